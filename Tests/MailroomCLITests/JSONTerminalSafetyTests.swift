import Foundation
import Testing
import MailroomCore

/// `--json` on a terminal: a sender's display name written by a stranger with a right-to-left override and a
/// right-to-left isolate (RFC 2047, as any client may send it) reaches the dry-run report as JSON escapes, never
/// as the raw characters that would reorder what the operator reads; a JSON reader gets the same name back.
@Suite struct JSONTerminalSafetyTests {
    static let name = "Evil\u{202E}gnp.exe \u{2067}Co\u{2069}"

    /// A Maildir with one message from that sender, a pipeline and a contacts file, in `dir`.
    static func workspace(_ dir: URL) throws -> String {
        let encoded = "=?UTF-8?B?" + Data(name.utf8).base64EncodedString() + "?="
        let message = ["From: \(encoded) <evil@outside.example>", "To: Dana <dana@northwind.example>",
                       "Subject: Invoice", "Date: Wed, 18 Nov 2026 10:00:00 +0000",
                       "Message-ID: <bidi-1@outside.example>", "", "Hello", ""].joined(separator: "\r\n")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("mail/\(sub)"),
                                                    withIntermediateDirectories: true)
        }
        try message.write(to: dir.appendingPathComponent("mail/cur/1700000000.1.host:2,S"), atomically: false, encoding: .utf8)
        try "id,name,emails\nc1,Someone,someone@customer.example\n"
            .write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let pipeline = dir.appendingPathComponent("p.yml").path
        try ["name: bidi", "ownDomains: [northwind.example]", "contacts: contacts.csv", "mailbox:", "  source: maildir",
             "  path: mail", "  owner: [dana@northwind.example]", ""].joined(separator: "\n")
            .write(toFile: pipeline, atomically: false, encoding: .utf8)
        return pipeline
    }

    /// The bytes of `stdout` hold none of the name's controls raw, the escapes instead, and the parsed document
    /// holds the name as it was.
    static func check(_ stdout: [UInt8]) throws {
        let text = String(decoding: stdout, as: UTF8.self)
        for raw in ["\u{202E}", "\u{2067}", "\u{2069}"] { #expect(!text.contains(raw)) }
        #expect(text.contains("Evil\\u202egnp.exe \\u2067Co\\u2069"))
        let parsed = try JSONSerialization.jsonObject(with: Data(stdout))
        let again = try JSONSerialization.data(withJSONObject: parsed, options: [.withoutEscapingSlashes])
        #expect(String(decoding: again, as: UTF8.self).contains(name))
    }

    @Test func theDryRunReportAndReportCommandEscapeBidiControlsInJSON() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.workspace(dir)
        let run = dir.appendingPathComponent("run").path
        let dry = try MailroomProcess.run(["run", pipeline, "--dry-run", "--as-of", "2026-11-20", "--days", "30",
                                           "--run-dir", run, "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        try Self.check(dry.stdoutBytes)
        let report = try MailroomProcess.run(["report", "--run", run, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        try Self.check(report.stdoutBytes)
    }

    /// The function itself: C1 controls, ALM and every bidi control become `\uXXXX`; other text, and bytes that
    /// are not UTF-8, stay as they are.
    @Test func terminalJSONEscapesOnlyTheUnsafeCharacters() {
        let input = Array("{\"a\":\"x\u{85}y\u{9B}z\u{61C}\u{200F}\u{202A}\u{2066}é 日本 😀 \u{2028}\"}".utf8) + [0xE2, 0x80]
        let out = String(decoding: TerminalText.json(input), as: UTF8.self)
        #expect(out == "{\"a\":\"x\\u0085y\\u009bz\\u061c\\u200f\\u202a\\u2066é 日本 😀 \u{2028}\"}\u{FFFD}")
        #expect(TerminalText.json(Array("{\"plain\":1}".utf8)) == Array("{\"plain\":1}".utf8))
    }
}
