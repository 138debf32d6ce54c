import Foundation
import Testing
import MailroomIO

/// `mailroom mailbox ...` and `mailroom runs` on the sample Maildir (two mailboxes reading it), through the binary.
@Suite(.serialized) struct MailboxCommandTests {
    static let sample = MailroomProcess.repoRoot.appendingPathComponent("sample-data")

    static func pipeline(_ dir: URL) throws -> String {
        let p = dir.appendingPathComponent("p.yml").path
        try """
            name: lifecycle-files
            mailboxes:
              - name: shared
                source: maildir
                path: \(sample.path)/mailbox
                owner: [dana.reyes@northwind.example, dana@northwind.example]
              - name: other
                source: maildir
                path: \(sample.path)/mailbox
                owner: [dana.reyes@northwind.example]
            ownDomains: [northwind.example]
            contacts: \(sample.path)/contacts.csv
            backfillDays: 14

            """.write(toFile: p, atomically: false, encoding: .utf8)
        return p
    }

    @Test func listWorksWithoutAStoreAndCreatesNone() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.pipeline(dir)
        let r = try MailroomProcess.run(["mailbox", "list", p, "--json"])
        #expect(r.status == 0)
        let doc = try JSONParser.parse(r.stdoutBytes).objectValue
        #expect(doc?["schema"]?.stringValue == "mailroom.mailboxes/1")
        let boxes = doc?["mailboxes"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(boxes.map { $0["name"]?.stringValue } == ["shared", "other"])
        #expect(boxes.allSatisfy { $0["state"]?.stringValue == "connected" && $0["lastSync"] == .null })
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("crm.sqlite").path))
        let runs = try MailroomProcess.run(["runs", p])
        #expect(runs.status == 0 && runs.stdout == "No runs recorded yet.\n")
    }

    @Test func aFileMailboxIsTestedForPathReadabilityAndKind() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.pipeline(dir)
        let r = try MailroomProcess.run(["mailbox", "test", p, "shared"])
        #expect(r.status == 0)
        #expect(r.stdout == "Testing mailbox shared\n  ✓ path exists: \(Self.sample.path)/mailbox\n  ✓ readable: readable\n  ✓ kind: a folder (maildir)\nAll checks passed.\n")
        let unknown = try MailroomProcess.run(["mailbox", "test", p, "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no mailbox named 'nope' in the pipeline (it has: shared, other)"))
    }

    @Test func dependOptionsAreCheckedBeforeAnythingIsWritten() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.pipeline(dir)
        let r = try MailroomProcess.run(["mailbox", "depend", p, "shared", "--add", "robot", "x"])
        #expect(r.status == 2 && r.stderr.contains("KIND must be owner, shared-user or email-flow, not 'robot'"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("crm.sqlite").path))
    }

    @Test func forceDisconnectThenReconnectSyncsAndNamesTheGap() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.pipeline(dir)
        var r = try MailroomProcess.run(["run", p, "--mailbox", "shared", "--as-of", "2026-10-20", "--days", "30",
                                         "--quiet", "--run-dir", dir.appendingPathComponent("r1").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try MailroomProcess.run(["mailbox", "depend", p, "shared", "--add", "email-flow", "Renewal reminders"]).status == 0)
        r = try MailroomProcess.run(["mailbox", "disconnect", p, "shared", "--force", "--reason", "handed over"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Relied on it: email-flow \"Renewal reminders\"\n"))
        r = try MailroomProcess.run(["run", p, "--quiet", "--as-of", "2026-11-20", "--days", "14", "--mailbox", "shared",
                                     "--run-dir", dir.appendingPathComponent("r2").path])
        #expect(r.status == 9)
        #expect(r.stderr.contains("mailbox shared is disconnected since") && r.stderr.contains("(handed over)"))
        r = try MailroomProcess.run(["mailbox", "list", p])
        #expect(r.stdout.contains("shared (maildir): disconnected since"))
        #expect(r.stdout.contains("Sent: 24 messages, newest 2026-10-20T17:19:25Z"))

        r = try MailroomProcess.run(["mailbox", "reconnect", p, "shared", "--as-of", "2026-11-20", "--quiet",
                                     "--run-dir", dir.appendingPathComponent("r3").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Reconnected shared (was disconnected).\n"))
        #expect(r.stdout.contains("Newest loaded before: 2026-10-20T17:19:25Z;"))
        #expect(r.stdout.contains("(window 2026-11-07T00:00:00Z to 2026-11-21T00:00:00Z)"))
        #expect(r.stdout.contains("--mailbox shared --as-of 2026-11-06 --days 18\n"))

        r = try MailroomProcess.run(["runs", p, "--mailbox", "shared"])
        let kinds = r.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(kinds == ["sync", "reconnect", "load", "disconnect", "load"])
        #expect(r.stdout.contains("load  failed (disconnected)  shared"))
        #expect(r.stdout.contains("messages in 14 days; "))
    }
}
