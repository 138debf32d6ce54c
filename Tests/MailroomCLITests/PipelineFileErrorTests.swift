import Foundation
import Testing

/// Bad pipeline files: every problem reported at once with file and line, exit code 2, nothing written.
@Suite struct PipelineFileErrors {
    func write(_ text: String) throws -> (dir: URL, file: URL) {
        let dir = MailroomProcess.tempDir()
        let file = dir.appendingPathComponent("bad.yml")
        try text.write(to: file, atomically: false, encoding: .utf8)
        return (dir, file)
    }

    @Test func everyProblemInAPipelineFileIsReportedWithItsLineAndExitCodeTwo() throws {
        let (dir, file) = try write("""
        name: broken
        mailbox:
          source: mbx
          path: mail
          ownr: [me@example.com]
        ownDomains: example.com
        backfillDays: lots
        contcts: contacts.csv

        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["run", file.path, "--dry-run", "--as-of", "2026-11-20"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasSuffix("bad.yml:3: 'source' in mailbox 'default' must be one of mbox | maildir | eml | imap, not 'mbx'") })
        #expect(lines.contains { $0.hasSuffix("bad.yml:3: missing key 'owner' in mailbox 'default'") })
        #expect(lines.contains { $0.contains("bad.yml:5: unknown key 'ownr' in a mailbox (did you mean 'owner'?)") })
        #expect(lines.contains { $0.contains("bad.yml:7: 'backfillDays' in the pipeline must be a whole number") })
        #expect(lines.contains { $0.contains("bad.yml:8: unknown key 'contcts' in the pipeline (did you mean 'contacts'?)") })
        // Nothing was created next to the pipeline.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path))
    }

    @Test func aMissingPipelineFileIsAUsageError() throws {
        let r = try MailroomProcess.run(["run", "/nonexistent/p.yml", "--dry-run"])
        #expect(r.status == 2)
        #expect(r.stderr == "mailroom: error: /nonexistent/p.yml: pipeline file not found\n")
    }

    @Test func invalidYAMLNamesTheLine() throws {
        let (dir, file) = try write("name: x\nmailbox: [unclosed\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["run", file.path, "--dry-run"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yml:"))
        #expect(r.stderr.contains("not valid YAML"))
    }

    @Test func aSecretWrittenInThePipelineIsRefusedWithoutEchoingIt() throws {
        let (dir, file) = try write("""
        name: leaky
        mailbox:
          source: imap
          host: imap.example.com
          username: me@example.com
          secret: hunter2-app-password
        ownDomains: [example.com]

        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["run", file.path, "--dry-run"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yml:6: 'secret' in mailbox 'default' must be env:NAME, file:PATH or cmd:PROGRAM ARG…"))
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func aBadAsOfDateIsAUsageError() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["run", MailroomProcess.repoRoot.appendingPathComponent("pipelines/sample.yml").path,
                                         "--dry-run", "--as-of", "20-11-2026", "--run-dir", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--as-of must be a date written YYYY-MM-DD"))
    }
}
