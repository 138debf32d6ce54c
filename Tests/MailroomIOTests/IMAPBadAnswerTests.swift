import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

/// Answers a broken or busy server gives to the reads the folder cursors rest on: a `UID SEARCH` naming a UID
/// the folder does not hold, and a gap check refused with `NO`/`BAD`. (Dovecot's `BODY[] NIL` for a message that
/// is still there is one of `IMAPOmissionTests`' answers.)
struct IMAPBadAnswerTests {
    typealias SleepLog = IMAPFaultTests.SleepLog

    /// A fault that answers the first `UID SEARCH` of the run with `answer` (given the tag); later searches (the
    /// check of which UIDs the folder still holds) are answered normally.
    static func firstSearch(_ answer: @escaping @Sendable (String) -> String) -> (Int, String) -> FakeIMAPServer.Fault? {
        final class Once: @unchecked Sendable { var done = false }
        let once = Once()
        return { _, verb in
            guard verb == "UID SEARCH", !once.done else { return nil }
            once.done = true
            return .reply { tag in Array(answer(tag).utf8) }
        }
    }

    /// A sync whose search above the cursor also names UID 999, which the folder does not hold (its UIDNEXT is
    /// 6): the listing never delivers it, the folder then says it does not hold it, and the cursor stops at the
    /// folder's newest UID, so the next message (UID 6) is fetched by the next sync instead of being passed.
    @Test func aSearchNamingAUIDTheFolderLacksDoesNotPutTheCursorPastMailToCome() throws {
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        s.fault = Self.firstSearch { "* SEARCH 3 4 5 999\r\n\($0) OK done\r\n" }
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try IMAPFileCursorStore(path: run + "-cursors.json")
        defer { try? FileManager.default.removeItem(atPath: run + "-cursors.json") }
        try store.save([FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 5, highestUID: 2)], known: [:])
        let first = try IMAPOmissionTests.extractor(s, run: run + "/1", sleeps: SleepLog())
            .sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(first.copies.compactMap { $0.imap?.uid } == [3, 4, 5])
        #expect(first.folders.first?.missingUIDs == [])
        #expect(first.cursors.first?.highestUID == 5)
        try store.save(first.cursors, known: [:])

        s.folders[0].messages.append(.init(uid: 6, internalDate: "12-Jan-2026 10:00:06 +0000", body: DovecotFixtures.message(36)))
        s.folders[0].uidNext = 7
        let second = try IMAPOmissionTests.extractor(s, run: run + "/2", sleeps: SleepLog())
            .sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(second.copies.compactMap { $0.imap?.uid } == [6])
        #expect(second.cursors.first?.highestUID == 6)
    }

    /// The same in a backfill's `UID SEARCH SINCE`.
    @Test func aBackfillSearchNamingAUIDTheFolderLacksKeepsTheCursorAtTheNewestUID() throws {
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        s.fault = Self.firstSearch { "* SEARCH 1 2 3 4 5 999\r\n\($0) OK done\r\n" }
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let r = try IMAPOmissionTests.extractor(s, run: run, sleeps: SleepLog()).backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(r.folders.first?.missingUIDs == [])
        #expect(r.cursors.first?.highestUID == 5)
    }

    /// A backfill over a stored cursor asks the server which UIDs are above it (the gap check). A server that
    /// refuses that search fails the read as the server's fault (exit 16, named, not retried): nothing is taken
    /// as fetched, and the folder is not marked complete.
    @Test(arguments: ["NO [CANNOT] search failed", "BAD Error in IMAP command UID SEARCH: Invalid arguments"])
    func aGapCheckTheServerRefusesFailsTheReadAsTheServersFault(_ refusal: String) throws {
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        final class Count: @unchecked Sendable { var n = 0 }
        let searches = Count()
        s.fault = { _, verb in
            guard verb == "UID SEARCH" else { return nil }
            searches.n += 1
            // The first is the window's `UID SEARCH SINCE`; the second is the gap check above the cursor.
            return searches.n == 2 ? .reply { tag in Array("\(tag) \(refusal)\r\n".utf8) } : nil
        }
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try IMAPFileCursorStore(path: run + "-cursors.json")
        defer { try? FileManager.default.removeItem(atPath: run + "-cursors.json") }
        try store.save([FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 5, highestUID: 2)], known: [:])
        let sleeps = SleepLog()
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPOmissionTests.extractor(s, run: run, sleeps: sleeps).backfill(window: IMAPFaultTests.window, store: store)
        }
        #expect(e.status == .network)
        #expect(e.category == .fatal)
        #expect(e.message.contains("answered UID SEARCH with \(refusal.prefix(3).trimmingCharacters(in: .whitespaces))"), "\(e.message)")
        // The server's answer is kept as the cause, for logs and callers that look deeper.
        guard case .refused(let verb, let status, _, _)? = e.cause as? IMAPFailure else {
            Issue.record("cause: \(String(describing: e.cause))")
            return
        }
        #expect(verb == "UID SEARCH" && status.rawValue == String(refusal.prefix(while: { $0 != " " })))
        #expect(sleeps.delays.isEmpty)
        #expect(searches.n == 2)
        #expect(try store.imapCursor(mailbox: "m", folder: "INBOX")?.highestUID == 2)
        #expect(try IMAPCheckpointFile.read(run + "/extract/raw/m/checkpoint.json")?.folder("INBOX")?.complete != true)
    }
}
