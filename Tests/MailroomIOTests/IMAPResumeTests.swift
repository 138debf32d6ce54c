import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

@Suite("IMAP backfill resumes after the server goes away", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPResumeTests {
    @Test func aServerStoppedMidBackfillFailsAsNetworkAndTheRerunFetchesOnlyWhatIsMissing() throws {
        // Its own Dovecot: this test stops it.
        let server = try DovecotServer(users: 1)
        let user = server.freshUser()
        let start = IMAPDate.days(year: 2026, month: 2, day: 1) * 86400
        var bodies: [[UInt8]] = []
        for i in 0..<7 {
            let b = DovecotFixtures.message(400 + i)
            bodies.append(b)
            try server.addMessage(user: user.name, bytes: b, internalDate: start + Int64(i) * 60)
        }
        let run = server.root.path + "/run"
        let window = DateWindow(start: start, end: start + 86400)
        func extractor() -> IMAPExtractor {
            let e = IMAPExtractor(mailbox: "work", endpoint: DovecotFixtures.endpoint(server, user: user, security: .starttls, host: "localhost"),
                                  folders: ["INBOX"], runDirectory: run,
                                  options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: 2, baseDelay: 0.01)))
            e.sleep = { _ in }
            return e
        }

        let first = extractor()
        var batches = 0
        first.afterBatch = { _ in
            batches += 1
            if batches == 1 { try server.stop() }
        }
        let e = try #require(throws: MailroomError.self) { _ = try first.backfill(window: window) }
        #expect(e.status == .network)
        #expect(e.message.contains("gave up after 2 retries"))
        #expect(batches == 1)

        try server.start()
        let second = extractor()
        let result = try second.backfill(window: window)
        #expect(result.folders.first?.resumed == 2)
        #expect(result.folders.first?.fetched == 5)
        #expect(result.copies.count == 7)
        #expect(try result.copies.map { try second.bytes(of: $0) } == bodies)
        #expect(Set(result.copies.map(\.copyId)).count == 7)
        try server.stop()
    }
}
