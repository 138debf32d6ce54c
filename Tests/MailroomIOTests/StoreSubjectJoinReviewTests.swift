import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// The store records which messages joined their thread by subject, and `review` fails on a thread where such a
/// message shares no external participant with the others.
@Suite struct StoreSubjectJoinReviewTests {
    typealias F = StoreFixture

    /// Alice's Outlook answer without thread headers, placed in her "Order" thread by subject.
    static let aliceAgain = F.message("m7", from: "Alice@Customer.com", to: [F.owner], subject: "RE: Order",
                                      date: "2024-05-02T08:00:00Z")
    /// Someone else's "Re: Order", as today's main would place it in Alice's thread.
    static let stranger = F.message("m8", from: "buyer@elsewhere.net", to: [F.owner], cc: ["colleague@example.com"],
                                    subject: "Re: Order", date: "2024-05-03T08:00:00Z")

    static func load(_ dir: StoreTempDir, _ extra: [DedupedMessage]) throws -> CRMStore {
        let store = try F.open(dir)
        var threads = F.threads
        for m in extra { threads[m.key] = "t1" }
        _ = try F.load(store, F.input(F.messages + extra, threads: threads, contacts: F.contacts,
                                      subjectJoins: Set(extra.map(\.key))))
        return store
    }

    @Test func aSubjectJoinWithTheSameCustomerIsStoredAndPasses() throws {
        let dir = StoreTempDir()
        let store = try Self.load(dir, [Self.aliceAgain])
        let joined = try store.read("t") { db in
            try String.fetchAll(db, sql: "SELECT key FROM messages WHERE joined_by_subject = 1")
        }
        #expect(joined == ["mid:m7"])
        let r = try ReviewChecks.run(store)
        #expect(r.status(of: "subject-join-stranger") == "ok")
        #expect(r.findings.filter { $0.check == "subject-join-stranger" }.isEmpty)
    }

    @Test func aSubjectJoinOfStrangersFailsNamingTheThread() throws {
        let dir = StoreTempDir()
        let store = try Self.load(dir, [Self.aliceAgain, Self.stranger])
        let r = try ReviewChecks.run(store)
        #expect(!r.passed)
        let f = r.findings.filter { $0.check == "subject-join-stranger" }
        #expect(f.count == 1)
        #expect(f.first?.threadId == "t1")
        #expect(f.first?.messageKey == "mid:m8")
        #expect(f.first?.severity == .failure)
        #expect(f.first?.detail.contains("thread t1: message mid:m8 joined it by subject") == true)
        #expect(r.status(of: "subject-join-stranger") == "failed")
    }

    @Test func sharingOnlyAnInternalAddressIsStillAStrangersJoin() throws {
        let dir = StoreTempDir()
        // m6 (colleague, internal) is in t2; a stranger's message joined there by subject shares only the colleague.
        let store = try F.open(dir)
        var threads = F.threads
        threads["mid:m8"] = "t2"
        _ = try F.load(store, F.input(F.messages + [Self.stranger], threads: threads, contacts: F.contacts,
                                      subjectJoins: ["mid:m8"]))
        let r = try ReviewChecks.run(store)
        #expect(r.findings.filter { $0.check == "subject-join-stranger" }.map(\.threadId) == ["t2"])
    }

    @Test func aReloadWithoutTheJoinClearsIt() throws {
        let dir = StoreTempDir()
        let store = try Self.load(dir, [Self.aliceAgain])
        var threads = F.threads
        threads["mid:m7"] = "t1"
        _ = try F.load(store, F.input(F.messages + [Self.aliceAgain], threads: threads, contacts: F.contacts),
                       run: LoadRunInfo(runId: "run-2", windowStart: F.run.windowStart, windowEnd: F.run.windowEnd,
                                        mailboxes: ["main"]))
        let joined = try store.read("t") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE joined_by_subject = 1")
        }
        #expect(joined == 0)
    }

    @Test func aVersionThreeStoreGainsTheColumnWithEveryMessageUnjoined() throws {
        let dir = StoreTempDir()
        let path = dir.file("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v3-load-indexes")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO mailboxes(name) VALUES ('main');
                INSERT INTO threads VALUES ('t1', 'customer', 'matched', 'matched', 'Order', NULL, NULL);
                INSERT INTO messages VALUES ('mid:a', 'a@x', 'h', 't1', 'main', 'received', NULL, 'Order', '', 0);
                """)
        }
        try queue.close()
        let store = try CRMStore.open(path: path)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try Int.fetchOne(db, sql: "SELECT joined_by_subject FROM messages WHERE key = 'mid:a'") == 0)
        }
        #expect(try ReviewChecks.run(store).status(of: "subject-join-stranger") == "ok")
    }
}
