import Foundation
import GRDB
import Testing
@testable import MailroomIO
import MailroomCore

/// `allMail: true` through every stage into the store: labels in extract, normalize and dedupe NDJSON and on the
/// store's copy rows; drafts counted in the run's extract counts; a sync fetches only what is new in All Mail.
struct IMAPGmailPipelineTests {
    @Test func labelsReachTheStoreAndASyncFetchesNothingTwice() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let dir = NSTemporaryDirectory() + "mailroom-gmail-pipeline-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try IMAPTestPipeline.write(in: dir, name: "gmail", port: s.port, username: FakeGmail.owner,
                                   secretVariable: "MAILROOM_TEST_GMAIL_SECRET",
                                   extra: ["provider: gmail", "allMail: true"])
        setenv("MAILROOM_TEST_GMAIL_SECRET", "app-password", 1)
        let runs = IMAPTestPipeline.Runs(dir: dir)

        let first = try runs.run(sync: false)
        #expect(first.map { $0.imap?.uid } == [101, 102, 104, 105])
        #expect(first[0].labels == ["\\Inbox", "Customers", "Project été"])
        for file in ["extract/messages.ndjson", "normalize/messages.ndjson", "dedupe/messages.ndjson"] {
            let text = try String(contentsOfFile: dir + "/run1/" + file, encoding: .utf8)
            #expect(text.contains(#""labels":["\\Sent","Customers"]"#), "\(file)")
        }
        let manifest = try String(contentsOfFile: dir + "/run1/manifest.json", encoding: .utf8)
        #expect(manifest.contains(#""leftOutDrafts":1"#), "the draft is counted in the run's extract counts")

        let rows = try runs.store().read("test") { db in
            try Row.fetchAll(db, sql: """
                SELECT c.labels, m.direction FROM message_copies c JOIN messages m ON m.key = c.message_key
                ORDER BY c.copy_id
                """).map { ($0[0] as String?, $0[1] as String) }
        }
        #expect(rows.map(\.0) == [#"["Customers","Project été","\\Inbox"]"#, #"["Customers","\\Sent"]"#,
                                  #"["\\Important","\\Inbox"]"#, "[]"])
        #expect(rows.map(\.1) == ["received", "sent", "received", "received"], "sent vs received by From, not by label")
        #expect(try runs.store().imapCursor(mailbox: "work", folder: FakeGmail.allMail)?.highestUID == 105)

        let bodies = s.fetchCounts.bodies
        #expect(bodies.count == 4 && bodies.values.allSatisfy { $0 == 1 })
        #expect(try runs.run(sync: true).isEmpty)
        #expect(s.fetchCounts.bodies == bodies, "a sync with nothing new fetches no body")

        let i = try #require(s.folders.firstIndex { $0.name == FakeGmail.allMail })
        s.folders[i].messages.append(FakeGmail.later(6))
        let synced = try runs.run(sync: true)
        #expect(synced.map { $0.imap?.uid } == [106])
        #expect(synced.first?.labels == ["\\Inbox"])
        var expected = bodies
        expected[FakeGmail.allMail + "/106"] = 1
        #expect(s.fetchCounts.bodies == expected)
        #expect(try runs.store().imapCursor(mailbox: "work", folder: FakeGmail.allMail)?.highestUID == 106)
    }
}
