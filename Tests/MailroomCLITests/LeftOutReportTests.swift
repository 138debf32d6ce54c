import Foundation
import Testing

/// Drafts, junk and trash stay out of a run's messages, threads and unmatched addresses; the report counts them
/// by reason (text, JSON, HTML); `includeFolders` brings them back.
@Suite struct LeftOutReportTests {
    static func mail(_ subject: String, from: String, to: String, id: String) -> String {
        "From: \(from)\nTo: \(to)\nSubject: \(subject)\nDate: Mon, 16 Nov 2026 10:00:00 +0000\nMessage-ID: <\(id)>\n\nhello\n"
    }

    /// An mbsync tree: a customer's mail in INBOX, a draft to a customer never sent, spam, and a deleted message.
    static func setUp(include: String?) throws -> URL {
        let dir = MailroomProcess.tempDir("left-out")
        let files: [String: String] = [
            "mail/cur/1700000000.a.host:2,S": mail("Order", from: "ann@customer.example", to: "me@example.com", id: "a@c"),
            "mail/Drafts/cur/1700000001.b.host:2,D": mail("Offer", from: "me@example.com", to: "bob@prospect.example", id: "b@e"),
            "mail/[Gmail]/Spam/cur/1700000002.c.host:2,": mail("Prize", from: "winner@spam.example", to: "me@example.com", id: "c@s"),
            "mail/Deleted Items/cur/1700000003.d.host:2,S": mail("Old", from: "cat@old.example", to: "me@example.com", id: "d@o"),
        ]
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        let p = dir.appendingPathComponent("p.yml")
        try """
        name: left-out
        mailbox:
          source: maildir
          path: mail
          owner: me@example.com
        \(include.map { "  includeFolders: \($0)" } ?? "")
        ownDomains: example.com

        """.write(to: p, atomically: false, encoding: .utf8)
        return p
    }

    static func run(_ p: URL, _ format: String) throws -> MailroomProcess.Result {
        try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20", "--format", format, "--quiet",
                                 "--run-dir", p.deletingLastPathComponent().appendingPathComponent("run-\(format)").path])
    }

    @Test func draftsJunkAndTrashAreLeftOutAndCountedByReason() throws {
        let p = try Self.setUp(include: nil)
        defer { try? FileManager.default.removeItem(at: p.deletingLastPathComponent()) }
        let r = try Self.run(p, "json")
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let messages = try #require(report["messages"] as? [String: Any])
        #expect(messages["leftOut"] as? [String: Int] == ["drafts": 1, "junk": 1, "trash": 1, "outbox": 0])
        #expect(messages["found"] as? Int == 4)
        #expect(messages["unique"] as? Int == 1)
        #expect(messages["sent"] as? Int == 0)
        let unmatched = ((report["unmatchedAddresses"] as? [[String: Any]]) ?? []).compactMap { $0["address"] as? String }
        #expect(unmatched == ["ann@customer.example"])
        #expect((report["folders"] as? [String: Int]).map { Array($0.keys) } == ["default/INBOX"])

        let text = try Self.run(p, "text")
        #expect(text.status == 0)
        let line = text.stdout.split(separator: "\n").first { $0.contains("left out, not mail") }
        #expect(line?.hasSuffix(" 3  (drafts 1, junk 1, trash 1)") == true, "\(text.stdout)")
        let html = try Self.run(p, "html")
        #expect(html.status == 0)
        #expect(html.stdout.contains("left out, not mail"))
        #expect(html.stdout.contains("drafts 1, junk 1, trash 1"))
    }

    @Test func includeFoldersBringsThemBack() throws {
        let p = try Self.setUp(include: "[drafts, junk, trash]")
        defer { try? FileManager.default.removeItem(at: p.deletingLastPathComponent()) }
        let r = try Self.run(p, "json")
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let messages = try #require(report["messages"] as? [String: Any])
        #expect(messages["leftOut"] as? [String: Int] == ["drafts": 0, "junk": 0, "trash": 0, "outbox": 0])
        #expect(messages["unique"] as? Int == 4)
        #expect(messages["sent"] as? Int == 1)
        let unmatched = Set(((report["unmatchedAddresses"] as? [[String: Any]]) ?? []).compactMap { $0["address"] as? String })
        #expect(unmatched.contains("winner@spam.example"))
    }
}
