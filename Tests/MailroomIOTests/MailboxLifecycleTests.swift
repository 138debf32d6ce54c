import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// Store-level lifecycle: state transitions, dependents, disconnect keeping every loaded row, replace-with, the
/// gate that refuses disconnected mailboxes, and the v1 → v2 migration.
@Suite struct MailboxLifecycleTests {
    typealias F = StoreFixture

    /// A store with the fixture's run loaded into mailbox `main`, and a cursor for its INBOX.
    static func loaded(_ dir: StoreTempDir) throws -> CRMStore {
        let store = try F.open(dir)
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts))
        try store.saveCursor(FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7, highestUID: 42))
        return store
    }

    static func counts(_ store: CRMStore) throws -> [String: Int] {
        try store.read("count") { db in
            var out: [String: Int] = [:]
            for t in ["messages", "message_copies", "threads", "participants", "thread_contacts", "contacts", "cursors"] {
                out[t] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)")
            }
            return out
        }
    }

    @Test func aNewStoreIsAtVersionTwoWithTheLifecycleTables() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try db.tableExists("mailbox_dependents"))
            #expect(try db.columns(in: "mailboxes").map(\.name).contains("state"))
            #expect(try db.columns(in: "cursors").map(\.name).contains("authoritative"))
            let runColumns = try db.columns(in: "runs").map(\.name)
            for c in ["cursor_before", "cursor_after", "throttled", "error_code"] { #expect(runColumns.contains(c)) }
        }
    }

    @Test func aVersionOneStoreKeepsItsRunsAndCheckpointsWhenMigrated() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        do {
            let q = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(q, upTo: "v1-core")
            try q.write { db in
                try db.execute(sql: """
                    INSERT INTO runs(id, kind, mailboxes, started_at, status, counts, message)
                    VALUES ('old', 'load', '["main"]', '2026-01-01T00:00:00Z', 'ok', '{"messages":3}', 'loaded 3')
                    """)
                try db.execute(sql: "INSERT INTO checkpoints VALUES ('old', 'done', 0, 'x', '2026-01-01T00:00:00Z')")
            }
        }
        let store = try CRMStore.open(path: path)
        let run = try #require(try store.run(id: "old"))
        #expect(run.kind == .load && run.counts == ["messages": 3] && run.message == "loaded 3")
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoints") == 1)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test func dependentsAreAddedOnceListedByKindAndRemoved() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        #expect(try store.addDependent(mailbox: "sales", kind: .emailFlow, name: "Renewals"))
        #expect(try store.addDependent(mailbox: "sales", kind: .owner, name: "dana"))
        #expect(try !store.addDependent(mailbox: "sales", kind: .owner, name: "dana"))
        #expect(try store.dependents(of: "sales").map(\.label) == ["email-flow \"Renewals\"", "owner \"dana\""])
        #expect(try store.removeDependent(mailbox: "sales", kind: .owner, name: "dana"))
        #expect(try !store.removeDependent(mailbox: "sales", kind: .owner, name: "dana"))
        #expect(try store.dependents(of: "sales").map(\.name) == ["Renewals"])
    }

    @Test func disconnectIsRefusedWhileSomethingReliesOnTheMailbox() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.addDependent(mailbox: "main", kind: .sharedUser, name: "sam")
        let e = try #require(throws: MailroomError.self) { try store.disconnect("main") }
        #expect(e.status == .usage)
        #expect(e.message.contains("shared-user \"sam\"") && e.message.contains("--replace-with") && e.message.contains("--force"))
        #expect(try store.mailboxStatus("main").state == .connected)
        #expect(try store.runs(mailbox: "main").map(\.kind) == [.load])
    }

    @Test func disconnectWithForceKeepsEveryLoadedRowAndTakesAuthorityFromTheCursors() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("t") { db in
            try db.execute(sql: "UPDATE mailboxes SET credentials_ref = 'env:PW' WHERE name = 'main'")
        }
        try store.addDependent(mailbox: "main", kind: .emailFlow, name: "Renewals")
        let before = try Self.counts(store)
        let o = try store.disconnect("main", force: true, reason: "left the company")
        #expect(try Self.counts(store) == before)
        #expect(o.messagesKept == 6 && o.cursorsKept == 1 && o.dependents.count == 1 && o.moved.isEmpty)
        let s = try store.mailboxStatus("main")
        #expect(s.state == .disconnected && s.reason == "left the company" && s.credentialsRef == nil && s.changedAt != nil)
        #expect(try store.cursorAuthority(mailbox: "main") == ["INBOX": false])
        #expect(try store.cursor(mailbox: "main", folder: "INBOX")?.highestUID == 42)
        let log = try #require(try store.runs(mailbox: "main").first)
        #expect(log.kind == .disconnect && log.status == .ok)
        #expect(log.message.contains("kept 6 messages") && log.message.contains("1 dependents still name it (--force)"))
        #expect(log.cursorBefore == [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 7, highestUID: 42)])
    }

    @Test func replaceWithMovesSharedUsersAndEmailFlowsButTheOwnerStays() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.addDependent(mailbox: "main", kind: .owner, name: "dana")
        try store.addDependent(mailbox: "main", kind: .sharedUser, name: "sam")
        try store.addDependent(mailbox: "main", kind: .emailFlow, name: "Renewals")
        let o = try store.disconnect("main", replaceWith: "team")
        #expect(o.moved.map(\.label) == ["email-flow \"Renewals\"", "shared-user \"sam\""])
        #expect(try store.dependents(of: "team").map(\.label) == ["email-flow \"Renewals\"", "shared-user \"sam\""])
        #expect(try store.dependents(of: "main").map(\.label) == ["owner \"dana\""])
        #expect(try store.mailboxStatus("team").state == .connected)
    }

    @Test func replaceWithADisconnectedMailboxOrItselfIsRefused() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.addDependent(mailbox: "main", kind: .sharedUser, name: "sam")
        _ = try store.disconnect("team")
        let e = try #require(throws: MailroomError.self) { try store.disconnect("main", replaceWith: "team") }
        #expect(e.status == .usage && e.message.contains("disconnected too"))
        let same = try #require(throws: MailroomError.self) { try store.disconnect("main", replaceWith: "main") }
        #expect(same.status == .usage)
        #expect(try store.dependents(of: "main").count == 1)
    }

    @Test func reconnectLeavesASyncPendingUntilASyncSucceedsAndASavedCursorIsAuthoritativeAgain() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        _ = try store.disconnect("main")
        let before = try store.reconnect("main", credentialsRef: "env:PW")
        #expect(before.state == .disconnected)
        var s = try store.mailboxStatus("main")
        #expect(s.state == .connected && s.syncPending && s.credentialsRef == "env:PW")
        try store.saveCursor(FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7, highestUID: 50))
        try store.markSynced("main")
        s = try store.mailboxStatus("main")
        #expect(!s.syncPending)
        #expect(try store.cursorAuthority(mailbox: "main") == ["INBOX": true])
        #expect(try store.runs(mailbox: "main").map(\.kind) == [.reconnect, .disconnect, .load])
    }

    @Test func theRunLogListsNewestFirstFiltersByMailboxAndKeepsCursorsAndErrorCodes() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let c1 = [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 1, highestUID: 10)]
        let c2 = [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 1, highestUID: 12)]
        try store.recordRun(RunLogEntry(id: "a", kind: .sync, mailboxes: ["sales"], startedAt: "2026-11-01T00:00:00Z",
                                        finishedAt: "2026-11-01T00:01:00Z", status: .ok, counts: ["messages": 2],
                                        message: "2 messages in 1 day", cursorBefore: c1, cursorAfter: c2, throttled: 3))
        try store.recordRun(RunLogEntry(id: "b", kind: .sync, mailboxes: ["support"], startedAt: "2026-11-02T00:00:00Z",
                                        status: .failed, message: "failed at login", errorCode: "auth"))
        try store.recordRun(RunLogEntry(id: "c", kind: .backfill, mailboxes: ["sales"], startedAt: "2026-11-03T00:00:00Z",
                                        status: .ok, message: "ok"))
        #expect(try store.runs().map(\.id) == ["c", "b", "a"])
        #expect(try store.runs(mailbox: "sales").map(\.id) == ["c", "a"])
        #expect(try store.runs(limit: 1).map(\.id) == ["c"])
        let a = try #require(try store.run(id: "a"))
        #expect(a.cursorBefore == c1 && a.cursorAfter == c2 && a.throttled == 3 && a.counts == ["messages": 2])
        #expect(try store.run(id: "b")?.errorCode == "auth")
        let text = RunLogEntry.text(try store.runs())
        #expect(text.contains("2026-11-02T00:00:00Z  sync  failed (auth)  support"))
        #expect(text.contains("cursors: INBOX 1/10 -> INBOX 1/12"))
    }

    @Test func aMailboxWhoseLastSyncFailedIsFailingAndTheListNeedsNoStore() throws {
        let dir = StoreTempDir()
        let pipeline = Self.pipeline(dir, ["sales", "support"])
        let blank = try MailboxOverview.all(pipeline)
        #expect(blank.map(\.state) == [.connected, .connected] && blank.allSatisfy { $0.lastSync == nil })
        #expect(!FileManager.default.fileExists(atPath: dir.file("crm.sqlite")))
        #expect(MailboxOverview.text(blank).contains("last sync: never synced"))
        let store = try F.open(dir)
        try store.recordRun(RunLogEntry(id: "x", kind: .sync, mailboxes: ["support"], startedAt: "2026-11-02T00:00:00Z",
                                        status: .failed, message: "failed at login", errorCode: "auth"))
        let all = try MailboxOverview.all(pipeline)
        #expect(all.map(\.state) == [.connected, .failing])
        #expect(all[1].lastSync?.message == "failed at login")
    }

    @Test func theGateRefusesANamedDisconnectedMailboxWithExitNineAndSkipsItOtherwise() throws {
        let dir = StoreTempDir()
        let pipeline = Self.pipeline(dir, ["sales", "support"])
        #expect(try MailboxGate.check(pipeline, only: nil, purpose: .sync).mailboxes.map(\.name) == ["sales", "support"])
        let store = try F.open(dir)
        _ = try store.disconnect("support")
        let e = try #require(throws: MailroomError.self) { try MailboxGate.check(pipeline, only: "support", purpose: .sync) }
        #expect(e.status == .disconnected && e.message.contains("mailroom mailbox reconnect"))
        let all = try MailboxGate.check(pipeline, only: nil, purpose: .run)
        #expect(all.mailboxes.map(\.name) == ["sales"] && all.skipped == ["support"])
        _ = try store.reconnect("support", credentialsRef: nil)
        let warned = try MailboxGate.check(pipeline, only: "support", purpose: .backfill)
        #expect(warned.warnings.count == 1 && warned.warnings[0].contains("has not been synced since"))
    }

    @Test func aRunRefusedBeforeLoadingDoesNotMoveTheReviewsWindowButASyncDoes() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        func recent() throws -> [String] {
            try store.read("review") { db in try ReviewChecks.recentSent(db).map { "\($0)" } }
        }
        let before = try recent()
        try store.recordRun(RunLogEntry(id: "refused", kind: .load, windowStart: "2026-11-07T00:00:00Z",
                                        windowEnd: "2026-11-21T00:00:00Z", mailboxes: ["main"],
                                        startedAt: "2026-11-21T00:00:00Z", status: .failed, message: "refused",
                                        errorCode: "disconnected"))
        #expect(try recent() == before)
        try store.write("t") { db in
            try db.execute(sql: "UPDATE runs SET kind = 'sync', window_end = '2026-11-21T00:00:00Z' WHERE id = 'run-1'")
        }
        #expect(try recent() != before)
    }

    static func pipeline(_ dir: StoreTempDir, _ names: [String]) -> LoadedPipeline {
        let config = PipelineConfig(name: "t", mailboxes: names.map {
            MailboxConfig(name: $0, source: .maildir, path: "mail", owner: ["me@example.com"])
        }, ownDomains: ["example.com"], contacts: nil)
        return LoadedPipeline(config: config, url: URL(fileURLWithPath: dir.file("p.yml")), sha256: "")
    }
}
