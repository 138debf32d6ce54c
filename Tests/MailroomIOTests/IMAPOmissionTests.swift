import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Exchange and Gmail answer a `UID FETCH` with `OK`, or `NO Some messages could not be FETCHed`, while leaving
/// out some of the requested messages. Each one is asked for again; one never delivered is reported and the
/// cursor stays below it.
struct IMAPOmissionTests {
    typealias SleepLog = IMAPFaultTests.SleepLog

    /// INBOX with UIDs 1...5, all in `IMAPFaultTests.window`.
    static func server() throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: (1...5).map {
            .init(uid: UInt64($0), internalDate: "12-Jan-2026 10:00:0\($0) +0000", body: DovecotFixtures.message(30 + $0))
        }, uidNext: 6)
        return try FakeIMAPServer(folders: [inbox])
    }

    static func extractor(_ s: FakeIMAPServer, run: String, retries: Int = 3, sleeps: SleepLog) -> IMAPExtractor {
        let e = IMAPExtractor(mailbox: "m", endpoint: IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u",
                                                                  secret: "p", connectTimeoutMs: 5000, ioTimeoutMs: 5000),
                              folders: ["INBOX"], runDirectory: run,
                              options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: retries, baseDelay: 0.5, maxDelay: 8)))
        e.sleep = { sleeps.add($0) }
        return e
    }

    static func tempRun() -> String { NSTemporaryDirectory() + "mailroom-omit-\(UUID().uuidString)" }

    /// A body left out of the answer (answered `OK`, `NO`, or Dovecot's `BODY[] NIL` for a message it cannot send
    /// just then) is asked for again after the backoff and loaded with its bytes, never as an empty message.
    @Test(arguments: [FakeIMAPServer.Omission.ok, .no, .nilBody])
    func aBodyLeftOutOnceIsAskedForAgainAfterTheBackoff(_ answer: FakeIMAPServer.Omission) throws {
        let s = try Self.server()
        defer { s.close() }
        s.omission = answer
        final class Count: @unchecked Sendable { var n = 0 }
        let asked = Count()
        s.leaveOut = { _, uid, body in
            guard body, uid == 3 else { return false }
            asked.n += 1
            return asked.n == 1
        }
        let sleeps = SleepLog()
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let ex = Self.extractor(s, run: run, sleeps: sleeps)
        let r = try ex.backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(try r.copies.map { try ex.bytes(of: $0) } == (1...5).map { DovecotFixtures.message(30 + $0) })
        #expect(r.folders.first?.missingUIDs == [])
        #expect(r.folders.first?.fetched == 5)
        #expect(r.cursors.first?.highestUID == 5)
        #expect(sleeps.delays == [0.5])
        #expect(asked.n == 2)
        #expect(s.connections == 1)
    }

    /// A body left out every time (the three answers above) while the folder still holds it is reported missing
    /// (no empty copy), the cursor stays below it, and a rerun once it comes fetches it with its bytes.
    @Test(arguments: [FakeIMAPServer.Omission.ok, .no, .nilBody])
    func aBodyNeverDeliveredHoldsTheCursorBelowItAndARerunFetchesIt(_ answer: FakeIMAPServer.Omission) throws {
        let s = try Self.server()
        defer { s.close() }
        s.omission = answer
        s.leaveOut = { _, uid, body in body && uid == 3 }
        let sleeps = SleepLog()
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let first = try Self.extractor(s, run: run, sleeps: sleeps).backfill(window: IMAPFaultTests.window)
        #expect(first.copies.compactMap { $0.imap?.uid } == [1, 2, 4, 5])
        let folder = try #require(first.folders.first)
        #expect(folder.missingUIDs == [3])
        #expect(folder.cursorNote == "folder \"INBOX\": the server did not deliver UID 3 after 3 retries; cursor kept at UID 2 so the next run fetches it")
        #expect(first.cursors.first?.highestUID == 2)
        #expect(sleeps.delays == [0.5, 1.0, 2.0])
        let checkpoint = try #require(try IMAPCheckpointFile.read(run + "/extract/raw/m/checkpoint.json"))
        #expect(checkpoint.folder("INBOX")?.complete == false)
        #expect(checkpoint.folder("INBOX")?.highestUID == 2)

        // The server delivers it now: rerunning the extract in the same run directory fetches only UID 3.
        s.leaveOut = { _, _, _ in false }
        let again = try Self.extractor(s, run: run, sleeps: SleepLog()).backfill(window: IMAPFaultTests.window)
        #expect(again.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(again.folders.first?.resumed == 4)
        #expect(again.folders.first?.fetched == 1)
        #expect(again.folders.first?.missingUIDs == [])
        #expect(again.cursors.first?.highestUID == 5)
        #expect(try again.copies.map { try Self.extractor(s, run: run, sleeps: SleepLog()).bytes(of: $0) }
                == (1...5).map { DovecotFixtures.message(30 + $0) })
    }

    @Test func aSyncAboveTheCursorReportsWhatTheServerLeftOutAndTheNextSyncFetchesIt() throws {
        let s = try Self.server()
        defer { s.close() }
        s.omission = .no
        s.leaveOut = { _, uid, body in body && (uid == 4 || uid == 5) }
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try IMAPFileCursorStore(path: run + "-cursors.json")
        defer { try? FileManager.default.removeItem(atPath: run + "-cursors.json") }
        try store.save([FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 5, highestUID: 2)], known: [:])
        let first = try Self.extractor(s, run: run + "/1", retries: 1, sleeps: SleepLog()).sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(first.copies.compactMap { $0.imap?.uid } == [3])
        #expect(first.folders.first?.missingUIDs == [4, 5])
        #expect(first.cursors.first?.highestUID == 3)
        try store.save(first.cursors, known: [:])

        s.leaveOut = { _, _, _ in false }
        let second = try Self.extractor(s, run: run + "/2", sleeps: SleepLog()).sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(second.copies.compactMap { $0.imap?.uid } == [4, 5])
        #expect(second.cursors.first?.highestUID == 5)
    }

    /// A backfill reaching back below the stored cursor, whose server never delivers a UID below it: the cursor
    /// stays where the earlier run put it, so a sync (which starts above it) does not fetch that UID; the note
    /// says to rerun the backfill, and that fetches it.
    @Test func aBodyNeverDeliveredBelowTheStoredCursorSaysToRerunTheBackfill() throws {
        let s = try Self.server()
        defer { s.close() }
        s.omission = .no
        s.leaveOut = { _, uid, body in body && uid == 2 }
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try IMAPFileCursorStore(path: run + "-cursors.json")
        defer { try? FileManager.default.removeItem(atPath: run + "-cursors.json") }
        try store.save([FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 5, highestUID: 4)], known: [:])
        let first = try Self.extractor(s, run: run + "/1", retries: 1, sleeps: SleepLog())
            .backfill(window: IMAPFaultTests.window, store: store)
        #expect(first.copies.compactMap { $0.imap?.uid } == [1, 3, 4, 5])
        #expect(first.folders.first?.missingUIDs == [2])
        #expect(first.cursors.first?.highestUID == 4)
        #expect(first.folders.first?.cursorNote == "folder \"INBOX\": the server did not deliver UID 2 after 1 retry; the cursor stays at UID 4 from an earlier run, above UID 2, so `mailroom sync` does not fetch it: run this command again")

        s.leaveOut = { _, _, _ in false }
        let sync = try Self.extractor(s, run: run + "/2", sleeps: SleepLog()).sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(sync.copies.compactMap { $0.imap?.uid } == [5])
        let again = try Self.extractor(s, run: run + "/3", sleeps: SleepLog()).backfill(window: IMAPFaultTests.window, store: store)
        #expect(again.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(again.folders.first?.missingUIDs == [])
    }

    @Test func aListingThatLeavesOutAMessageIsAskedForAgain() throws {
        let s = try Self.server()
        defer { s.close() }
        s.omission = .no
        final class Count: @unchecked Sendable { var n = 0 }
        let asked = Count()
        s.leaveOut = { _, uid, body in
            guard !body, uid == 2 else { return false }
            asked.n += 1
            return asked.n <= 2
        }
        let sleeps = SleepLog()
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let r = try Self.extractor(s, run: run, sleeps: sleeps).backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(sleeps.delays == [0.5, 1.0])
        #expect(r.cursors.first?.highestUID == 5)
    }

    /// A connection dropped once while a single message is fetched makes it a suspect, not missing: the retry
    /// fetches it (only a suspect that fails again on its own is left for the next run).
    @Test func aConnectionDroppedOnceDuringASingleMessageFetchIsNotReportedMissing() throws {
        let s = try IMAPFaultTests.server()
        defer { s.close() }
        final class Count: @unchecked Sendable { var n = 0 }
        let fetches = Count()
        s.fault = { conn, verb in
            guard verb == "UID FETCH" else { return nil }
            fetches.n += 1
            // Connection 1: listing 1:2, listing 3, bodies 1:2, then BYE on the body of UID 3 alone.
            return conn == 1 && fetches.n == 4 ? .bye : nil
        }
        let sleeps = SleepLog()
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let e = IMAPExtractor(mailbox: "m", endpoint: IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u",
                                                                  secret: "p", connectTimeoutMs: 5000, ioTimeoutMs: 5000),
                              folders: [], runDirectory: run,
                              options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: 3, baseDelay: 0.5, maxDelay: 8)))
        e.sleep = { sleeps.add($0) }
        let r = try e.backfill(window: IMAPFaultTests.window)
        #expect(r.copies.count == 5)
        #expect(r.folders.map(\.missingUIDs) == [[], []])
        #expect(r.cursors.first?.highestUID == 3)
        #expect(sleeps.delays == [0.5])
    }

    /// A message expunged while the folder is read is gone, not missing: no partial run, the cursor moves on.
    @Test func aMessageExpungedMeanwhileIsNotReportedMissing() throws {
        let s = try Self.server()
        defer { s.close() }
        s.leaveOut = { [weak s] _, uid, body in
            guard body && uid == 4 else { return false }
            s?.expunged.insert(4)  // another client expunges it while this FETCH is answered
            return true
        }
        let run = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let r = try Self.extractor(s, run: run, sleeps: SleepLog()).backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 5])
        #expect(r.folders.first?.missingUIDs == [])
        #expect(r.cursors.first?.highestUID == 5)
    }

    /// The `mailroom` binary: a dry run and a sync whose server never delivers UID 3 exit 8 ("partial") naming it
    /// (stderr, the report, the run log), keep the cursor below it, and the next sync fetches it.
    @Test func theCommandsExitPartialNameTheMissingUIDsAndTheNextSyncFetchesThem() throws {
        guard IMAPCommandLineTests.isBuilt() else { return }
        let s = try Self.server()
        defer { s.close() }
        s.omission = .no
        s.leaveOut = { _, uid, body in body && uid == 3 }
        let dir = Self.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try IMAPTestPipeline.write(in: dir, name: "omissions", port: s.port, secretVariable: "MAILROOM_TEST_OMIT_SECRET",
                                   extra: ["throttle: {maxRetries: 1}"])
        let env = ["MAILROOM_TEST_OMIT_SECRET": "pw"]
        func mailroom(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try IMAPCommandLineTests.mailroom(args + [dir + "/p.yml", "--as-of", "2026-01-12", "--days", "3", "--quiet"], env: env)
        }

        let dry = try mailroom(["run", "--dry-run", "--run-dir", dir + "/dry"])
        #expect(dry.status == 8, "\(dry.stderr)")
        #expect(dry.stdout.contains("work/INBOX: not delivered by the server: UIDs 3"))
        #expect(dry.stderr.contains("1 message not delivered by the server"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/crm.sqlite"))

        let sync = try mailroom(["sync", "--run-dir", dir + "/run1"])
        #expect(sync.status == 8, "\(sync.stderr)")
        #expect(sync.stderr.contains("folder \"INBOX\": the server did not deliver UID 3 after 1 retry; cursor kept at UID 2"))
        let report = try String(contentsOfFile: dir + "/run1/report.json", encoding: .utf8)
        #expect(report.contains("\"imapFolders\":[{\"mailbox\":\"work\",\"folder\":\"INBOX\",\"missingUIDs\":[3],"))
        let store = try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true)
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)
        #expect(try store.knownMessages(mailbox: "work", folder: "INBOX").count == 4)
        let logged = try #require(try store.runs(mailbox: "work").first)
        #expect(logged.status == .partial)
        #expect(logged.errorCode == "partial")
        #expect(logged.counts["imap.missingUIDs"] == 1)
        #expect(logged.message.contains("the server did not deliver UID 3"))
        #expect(logged.cursorAfter == [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 5, highestUID: 2)])

        // `mailbox reconnect` syncs: the same partial outcome, said in its report.
        let reconnect = try IMAPCommandLineTests.mailroom(["mailbox", "reconnect", dir + "/p.yml", "work", "--run-dir", dir + "/rc",
                                                           "--as-of", "2026-01-12", "--days", "3", "--quiet"], env: env)
        #expect(reconnect.status == 8, "\(reconnect.stderr)")
        #expect(reconnect.stdout.contains("Not fetched yet: 1 message not delivered by the server"))
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)
        #expect(try store.runs(mailbox: "work").first?.status == .partial)

        s.leaveOut = { _, _, _ in false }
        let rerun = try mailroom(["sync", "--run-dir", dir + "/run2"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 5)
        #expect(try store.knownMessages(mailbox: "work", folder: "INBOX").count == 5)
        #expect(try store.runs(mailbox: "work").first?.status == .ok)
    }
}
