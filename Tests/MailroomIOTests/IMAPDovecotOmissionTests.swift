import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// What real Dovecot answers when a message disappears while it is being fetched: `* 4 FETCH (... BODY[] NIL)`,
/// `* 4 EXPUNGE`, `OK [EXPUNGEISSUED] Some messages were already expunged`.
@Suite("IMAP messages Dovecot leaves out", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPDovecotOmissionTests {
    @Test func aMessageExpungedWhileFetchingIsNeitherLoadedEmptyNorReportedMissing() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let start = IMAPDate.days(year: 2026, month: 2, day: 1) * 86400
        for i in 0..<5 {
            try server.addMessage(user: user.name, bytes: DovecotFixtures.message(600 + i), internalDate: start + Int64(i) * 60)
        }
        let run = server.root.path + "/expunged-\(UUID().uuidString)"
        let e = IMAPExtractor(mailbox: "work", endpoint: DovecotFixtures.endpoint(server, user: user), folders: ["INBOX"],
                              runDirectory: run,
                              options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: 2, baseDelay: 0.01)))
        e.sleep = { _ in }
        // After the first batch of bodies (UIDs 1, 2), another client deletes UID 4's file.
        var batches = 0
        e.afterBatch = { _ in
            batches += 1
            guard batches == 1 else { return }
            let dir = server.root.path + "/mail/\(user.name)/cur"
            for f in try FileManager.default.contentsOfDirectory(atPath: dir)
            where ((try? String(contentsOfFile: dir + "/" + f, encoding: .utf8)) ?? "").contains("<msg-603@") {
                try FileManager.default.removeItem(atPath: dir + "/" + f)
            }
        }
        let r = try e.backfill(window: DateWindow(start: start, end: start + 86400))
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 5])
        #expect(try r.copies.map { try e.bytes(of: $0) } == [600, 601, 602, 604].map { DovecotFixtures.message($0) })
        #expect(r.folders.first?.missingUIDs == [])
        #expect(r.cursors.first?.highestUID == 5)
    }

    /// A message Dovecot cannot read (its file unreadable) makes it answer the FETCH with the message's size and
    /// flags but no body, then `BYE FETCH failed: Internal error occurred`. The retry asks for the cut-off UIDs one
    /// at a time; the one that fails alone is reported missing, everything else is read, the cursor stays below
    /// it, and a rerun once the server can send it fetches it.
    @Test func aMessageTheServerCannotSendIsIsolatedReportedAndFetchedByARerun() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let start = IMAPDate.days(year: 2026, month: 2, day: 1) * 86400
        for i in 0..<5 {
            try server.addMessage(user: user.name, bytes: DovecotFixtures.message(650 + i), internalDate: start + Int64(i) * 60)
        }
        let run = server.root.path + "/unreadable-\(UUID().uuidString)"
        func extractor() -> IMAPExtractor {
            let e = IMAPExtractor(mailbox: "work", endpoint: DovecotFixtures.endpoint(server, user: user), folders: ["INBOX"],
                                  runDirectory: run,
                                  options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: 3, baseDelay: 0.01)))
            e.sleep = { _ in }
            return e
        }
        let dir = server.root.path + "/mail/\(user.name)/cur"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first {
            ((try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8)) ?? "").contains("<msg-653@")
        })
        // After the listing and the first batch of bodies, UID 4's file becomes unreadable to the server.
        let first = extractor()
        var batches = 0
        first.afterBatch = { _ in
            batches += 1
            if batches == 1 { chmod(dir + "/" + file, 0) }
        }
        let r = try first.backfill(window: DateWindow(start: start, end: start + 86400))
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 5])
        #expect(r.folders.first?.missingUIDs == [4])
        #expect(r.cursors.first?.highestUID == 3)

        chmod(dir + "/" + file, 0o600)
        let again = try extractor().backfill(window: DateWindow(start: start, end: start + 86400))
        #expect(again.copies.compactMap { $0.imap?.uid } == [1, 2, 3, 4, 5])
        #expect(try again.copies.map { try first.bytes(of: $0) } == (650...654).map { DovecotFixtures.message($0) })
        #expect(again.folders.first?.missingUIDs == [])
        #expect(again.cursors.first?.highestUID == 5)
    }
}
