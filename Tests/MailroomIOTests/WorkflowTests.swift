import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// The run, backfill and sync workflows, called the way the CLI calls them: a failed run goes through their one
/// failure path (the run log gets a failed row, the empty directory reserved for it is removed), a run log that
/// cannot be written is said rather than swallowed, and a run that works gives back what the command prints.
@Suite struct WorkflowTests {
    /// A pipeline with one Maildir mailbox `main` at `mail` (made with `messages` messages unless nil: missing)
    /// and an existing store, so that the run log can be written.
    static func pipeline(_ dir: StoreTempDir, messages: Int?) throws -> String {
        if let messages {
            let cur = dir.url.appendingPathComponent("mail/cur")
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("mail/\(sub)"),
                                                        withIntermediateDirectories: true)
            }
            for i in 0..<messages {
                let mail = "From: Ann Buyer <ann@customer.test>\r\nTo: Me <me@example.com>\r\n"
                    + "Subject: Order \(i)\r\nDate: Tue, 17 Nov 2026 10:0\(i):00 +0000\r\n"
                    + "Message-ID: <order-\(i)@customer.test>\r\n\r\nPlease send the quote.\r\n"
                try Data(mail.utf8).write(to: cur.appendingPathComponent("17637\(i).M1P1.host:2,S"))
            }
        }
        let yaml = """
            name: workflow
            mailboxes:
              - name: main
                source: maildir
                path: mail
                owner: [me@example.com]
            ownDomains: [example.com]
            backfillDays: 14
            store: sqlite:crm.sqlite
            createContacts: never

            """
        try Data(yaml.utf8).write(to: dir.url.appendingPathComponent("p.yml"))
        _ = try CRMStore.open(path: dir.file("crm.sqlite"))
        return dir.file("p.yml")
    }

    static func runs(_ dir: StoreTempDir) throws -> [RunLogEntry] {
        try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true).runs()
    }

    static func reserved(_ dir: StoreTempDir) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.file("runs"))) ?? []
    }

    @Test(arguments: [RunLogEntry.Kind.load, .backfill, .sync])
    func aFailedRunIsRecordedOnceAndItsEmptyReservedDirectoryRemoved(kind: RunLogEntry.Kind) throws {
        let dir = StoreTempDir()
        let request = RunRequest(pipeline: try Self.pipeline(dir, messages: nil), asOf: "2026-11-21")
        var warnings: [String] = []
        let e = try #require(throws: MailroomError.self) {
            switch kind {
            case .backfill: _ = try BackfillWorkflow.run(request) { warnings.append($0) }
            case .sync: _ = try SyncWorkflow.run(request) { warnings.append($0) }
            default: _ = try RunWorkflow.run(request) { warnings.append($0) }
            }
        }
        #expect(e.status == .input && e.message.contains("the path does not exist"))
        #expect(warnings.isEmpty)
        #expect(FileManager.default.fileExists(atPath: dir.file("runs")) && Self.reserved(dir).isEmpty)
        let rows = try Self.runs(dir)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.kind == kind && row.status == .failed && row.errorCode == "input" && row.mailboxes == ["main"])
        // A sync's window is its cursors', not a span of days; run and backfill name the days they covered.
        #expect(row.windowEnd == (kind == .sync ? nil : "2026-11-22T00:00:00Z"))
    }

    @Test func aDryRunThatFailsIsNotRecordedButItsReservedDirectoryIsStillRemoved() throws {
        let dir = StoreTempDir()
        let request = RunRequest(pipeline: try Self.pipeline(dir, messages: nil), asOf: "2026-11-21", dryRun: true)
        #expect(throws: MailroomError.self) { _ = try RunWorkflow.run(request) { _ in } }
        #expect(try Self.runs(dir).isEmpty)
        #expect(Self.reserved(dir).isEmpty)
    }

    @Test func aRunLogThatCannotRecordTheFailureIsSaidAndTheRunsOwnErrorStays() throws {
        let dir = StoreTempDir()
        let request = RunRequest(pipeline: try Self.pipeline(dir, messages: nil), asOf: "2026-11-21")
        var warnings: [String] = []
        let e = try #require(throws: MailroomError.self) {
            _ = try SyncWorkflow.run(request, fault: .throwing(at: "runlog.record-end", occurrence: 1)) {
                warnings.append($0)
            }
        }
        #expect(e.status == .input)
        #expect(try Self.runs(dir).isEmpty)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("mailroom: warning: the run failed and its run log row ") == true)
        #expect(warnings.first?.contains("could not be written (simulated crash at runlog.record-end)") == true,
                "\(warnings)")
    }

    @Test func aRunLoadsAndGivesBackItsReportLoadAndDirectoryAndADryRunLoadsNothing() throws {
        let dir = StoreTempDir()
        let pipeline = try Self.pipeline(dir, messages: 2)
        let dry = try RunWorkflow.run(RunRequest(pipeline: pipeline, runDirectory: dir.file("dry"), asOf: "2026-11-21",
                                                 dryRun: true)) { Issue.record("warning: \($0)") }
        #expect(dry.load == nil && dry.partial == nil)
        #expect(dry.report.messages.extracted == 2 && dry.report.messages.received == 2 && dry.report.run.days == 14)
        #expect(try Self.runs(dir).isEmpty)

        let run = try RunWorkflow.run(RunRequest(pipeline: pipeline, runDirectory: dir.file("load"),
                                                 asOf: "2026-11-21")) { Issue.record("warning: \($0)") }
        let load = try #require(run.load)
        #expect(load.counts["messages"] == 2 && run.partial == nil)
        #expect(run.runDirectory.hasSuffix("load"))
        let rows = try Self.runs(dir)
        #expect(rows.map(\.id) == ["load"] && rows.first?.status == .ok && rows.first?.kind == .load)
    }

    @Test func aBackfillsLoadBecomesABackfillRowWithItsSummary() throws {
        let dir = StoreTempDir()
        let pipeline = try Self.pipeline(dir, messages: 1)
        let outcome = try BackfillWorkflow.run(RunRequest(pipeline: pipeline, runDirectory: dir.file("b1"),
                                                          asOf: "2026-11-21")) { Issue.record("warning: \($0)") }
        #expect(outcome.load?.counts["messages"] == 1)
        let row = try #require(try Self.runs(dir).first)
        #expect(row.id == "b1" && row.kind == .backfill && row.status == .ok && row.message.contains("1 message"))
    }
}
