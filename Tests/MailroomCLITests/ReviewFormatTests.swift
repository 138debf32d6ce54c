import Foundation
import Testing

/// `mailroom review --format text|json|html --out FILE` on a store loaded from hostile mail.
@Suite struct ReviewFormats {
    /// A one-message Maildir whose subject and display name are HTML, matched to a contact so that the review's
    /// spot-check sample shows them.
    func hostilePipeline(in dir: URL) throws -> URL {
        let cur = dir.appendingPathComponent("mail/cur")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("mail/\(sub)"), withIntermediateDirectories: true)
        }
        let message = """
        From: "<img src=x onerror=alert(1)>" <buyer@customer.example>\r
        To: Dana <dana@ourco.example>\r
        Subject: <script>document.title='pwned'</script> & "quotes"\r
        Date: Tue, 17 Nov 2026 10:00:00 +0000\r
        Message-ID: <hostile-1@customer.example>\r
        \r
        Hello.\r

        """
        try message.write(to: cur.appendingPathComponent("1763373600.1_1.host:2,S"), atomically: false, encoding: .utf8)
        try "id,name,emails\nC1,Buyer,buyer@customer.example\n".write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let pipeline = dir.appendingPathComponent("p.yml")
        try """
        name: hostile
        mailbox: {source: maildir, path: mail, owner: [dana@ourco.example]}
        ownDomains: [ourco.example]
        contacts: contacts.csv
        store: sqlite:crm.sqlite

        """.write(to: pipeline, atomically: false, encoding: .utf8)
        return pipeline
    }

    @Test func theReviewRendersAsEscapedSelfContainedHTMLAndAsJSON() throws {
        let dir = MailroomProcess.tempDir("review-format")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try hostilePipeline(in: dir)
        let runHTML = dir.appendingPathComponent("run.html")
        let load = try MailroomProcess.run(["run", p.path, "--as-of", "2026-11-20", "--days", "7", "--format", "html",
                                            "--out", runHTML.path, "--run-dir", dir.appendingPathComponent("run").path, "--quiet"])
        #expect(load.status == 0, "\(load.stderr)")
        // A run that loaded says so; only a dry run says nothing was written.
        let page = try String(contentsOf: runHTML, encoding: .utf8)
        #expect(page.contains("loaded into the CRM store"))
        #expect(!page.contains("nothing was written"))

        let htmlFile = dir.appendingPathComponent("review.html")
        let r = try MailroomProcess.run(["review", p.path, "--format", "html", "--out", htmlFile.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let html = try String(contentsOf: htmlFile, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Mailroom review: passed</title>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("Content-Security-Policy"))

        let j = try MailroomProcess.run(["review", p.path, "--format", "json"])
        #expect(j.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(j.stdoutBytes)) as? [String: Any])
        #expect(doc["schemaVersion"] as? Int == 1)
        #expect(doc["passed"] as? Bool == true)

        let t = try MailroomProcess.run(["review", p.path])
        #expect(t.status == 0)
        #expect(t.stdout.contains("review passed"))
        #expect(!t.stdout.contains("\u{1B}"))

        let conflict = try MailroomProcess.run(["review", p.path, "--json", "--format", "html"])
        #expect(conflict.status == 2)
    }
}
