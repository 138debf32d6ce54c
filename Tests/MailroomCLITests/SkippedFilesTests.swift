import Foundation
import Testing

/// Files extract leaves out are listed in `extract/skipped.ndjson` (one record issue each), not only counted.
@Suite struct SkippedFilesTests {
    @Test func aRunListsEverySkippedFileWithItsCodeAndTheManifestRecordsTheFile() throws {
        let dir = MailroomProcess.tempDir("skipped")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A Thunderbird-style folder of mbox files: one real mailbox, an export that was saved as HTML under an
        // .mbox name, and Thunderbird's index file (not named like an mbox: not a skipped file, just not mail).
        let mail = dir.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mail, withIntermediateDirectories: true)
        try """
        From ann@customer.example Mon Nov 16 10:00:00 2026
        From: ann@customer.example
        To: me@example.com
        Subject: Order
        Date: Mon, 16 Nov 2026 10:00:00 +0000
        Message-ID: <a@c>

        hello

        """.write(to: mail.appendingPathComponent("Inbox.mbox"), atomically: false, encoding: .utf8)
        try "<html><body>Saved from the web mail</body></html>\n"
            .write(to: mail.appendingPathComponent("Export.mbox"), atomically: false, encoding: .utf8)
        try "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n".write(to: mail.appendingPathComponent("Inbox.msf"), atomically: false, encoding: .utf8)
        let p = dir.appendingPathComponent("p.yml")
        try """
        name: skipped
        mailbox:
          source: mbox
          path: mail
          owner: me@example.com
        ownDomains: example.com

        """.write(to: p, atomically: false, encoding: .utf8)
        let runDir = dir.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20", "--quiet", "--run-dir", runDir.path])
        #expect(r.status == 0, "\(r.stderr)")

        let skipped = try RunFiles.ndjson(runDir.appendingPathComponent("extract/skipped.ndjson"))
        #expect(skipped.count == 1)
        #expect(skipped.first?["code"] as? String == "not-mbox")
        #expect(skipped.first?["mailbox"] as? String == "default")
        #expect(skipped.first?["file"] as? String == "Export.mbox")
        #expect((skipped.first?["detail"] as? String)?.contains("From_ line") == true)

        let manifest = try RunFiles.jsonObject(runDir.appendingPathComponent("manifest.json"))
        let extract = try #require((manifest["stages"] as? [String: Any])?["extract"] as? [String: Any])
        #expect((extract["counts"] as? [String: Any])?["skippedFiles"] as? Int == 1)
        let outputs = ((extract["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["file"] as? String }
        #expect(outputs == ["extract/messages.ndjson", "extract/skipped.ndjson"])
        let entry = ((extract["outputs"] as? [[String: Any]]) ?? []).first { $0["file"] as? String == "extract/skipped.ndjson" }
        #expect(entry?["schema"] as? String == "mailroom.record-issue/1")
        #expect(entry?["lines"] as? Int == 1)
    }
}
