import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Server text, folder names and mail text reach the operator's terminal only through the one sanitizer
/// (issue 12 §5): a Sent folder named `&ABsAWwAyAEo-` (modified UTF-7 for ESC [2J, "clear the screen") and a
/// server's answer with an OSC title sequence, through the real binary.
struct IMAPTerminalOutputTests {
    static func server() throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: [
            .init(uid: 1, internalDate: "12-Jan-2026 10:00:01 +0000", body: DovecotFixtures.message(1)),
        ])
        let sent = FakeIMAPServer.Folder(name: "&ABsAWwAyAEo-", attributes: "\\Sent", uidValidity: 6, messages: [])
        return try FakeIMAPServer(folders: [inbox, sent])
    }

    static func hasControls(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x0D }
    }

    @Test func mailboxTestShowsAFolderNamedWithAnEscapeSequenceEscaped() throws {
        let s = try Self.server()
        defer { s.close() }
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try IMAPHostileServerTests.pipeline(port: s.port).write(toFile: p, atomically: false, encoding: .utf8)
        let r = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "default"], env: ["MR_HOSTILE_PW": "pw"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("✓ Sent folder: \\x1B[2J (\\Sent)"), "\(r.stdout)")
        #expect(!Self.hasControls(r.stdout + r.stderr))
    }

    @Test func errorLinesRunsAndTheTraceLogShowServerTextEscaped() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { _, verb in
            verb == "EXAMINE" ? .reply { tag in Array("\(tag) NO \u{1B}]0;owned\u{7}\u{1B}[2J gone\r\n".utf8) } : nil
        }
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try IMAPHostileServerTests.pipeline(port: s.port).write(toFile: p, atomically: false, encoding: .utf8)
        var r = try MailboxDovecotCLITests.CLI.run(["backfill", p, "--as-of", "2026-01-12", "--days", "1", "--quiet",
                                                   "--run-dir", dir.file("run")],
                                                  env: ["MR_HOSTILE_PW": "pw", "MAILROOM_LOG": "trace"])
        #expect(r.status == 14, "\(r.stderr)")
        #expect(r.stderr.contains("\\x1B]0;owned\\x07\\x1B[2J gone"), "\(r.stderr)")
        #expect(r.stderr.contains("S: ") && r.stderr.contains("C: "), "the trace log is on")
        #expect(!Self.hasControls(r.stdout + r.stderr))
        r = try MailboxDovecotCLITests.CLI.run(["runs", p], env: [:])
        #expect(r.status == 0)
        #expect(!Self.hasControls(r.stdout + r.stderr))
        r = try MailboxDovecotCLITests.CLI.run(["mailbox", "list", p], env: [:])
        #expect(!Self.hasControls(r.stdout + r.stderr))
    }

    /// A folder name with a bare LF (a literal may carry one) adds no line to `mailbox test`: a Sent folder named
    /// "Sent\n  ✓ forged line" printed a ✓ line the server wrote, under "folder listing" and "Sent folder".
    @Test func mailboxTestKeepsAFolderNameWithALineBreakOnItsStepsLine() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { _, verb in
            verb == "LIST" ? .reply { tag in
                Array("* LIST (\\Sent) \"/\" {22}\r\nSent\n  ✓ forged line\r\n* LIST () \"/\" INBOX\r\n\(tag) OK listed\r\n".utf8)
            } : nil
        }
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try IMAPHostileServerTests.pipeline(port: s.port).write(toFile: p, atomically: false, encoding: .utf8)
        let r = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "default"], env: ["MR_HOSTILE_PW": "pw"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.contains("✓ forged line") && !$0.contains("Sent\\x0A") }, "\(r.stdout)")
        #expect(r.stdout.contains("✓ folder listing: 2 folders; reading INBOX, Sent\\x0A  ✓ forged line\n"), "\(r.stdout)")
        #expect(r.stdout.contains("✓ Sent folder: Sent\\x0A  ✓ forged line (\\Sent)\n"), "\(r.stdout)")
        // The heading, seven steps and the verdict.
        #expect(lines.count == 10 && lines.last == "", "\(r.stdout)")
        #expect(!Self.hasControls(r.stdout + r.stderr))
    }
}
