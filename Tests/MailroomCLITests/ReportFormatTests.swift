import Foundation
import Testing

/// `--format text|json|html`, `--out`, `--unmatched-csv` and `mailroom plan`, run as a user would on the sample data.
@Suite struct ReportFormatTests {
    static let pipeline = MailroomProcess.repoRoot.appendingPathComponent("pipelines/sample.yml").path

    func dryRun(_ dir: URL) throws {
        let r = try MailroomProcess.run(["run", Self.pipeline, "--dry-run", "--as-of", "2026-11-20", "--days", "60",
                                         "--run-dir", dir.appendingPathComponent("run").path, "--format", "html",
                                         "--out", dir.appendingPathComponent("report.html").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("Wrote the report to"))
    }

    @Test func theDryRunWritesOneSelfContainedHTMLPageToTheOutFile() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try dryRun(dir)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("<title>Mailroom dry run: sample</title>"))
        #expect(html.contains("of 313 found in the mailboxes"))
    }

    @Test func reportPrintsJSONOrHTMLAndExportsTheUnmatchedAddresses() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try dryRun(dir)
        let run = dir.appendingPathComponent("run").path
        let json = try MailroomProcess.run(["report", "--run", run, "--format", "json"])
        #expect(json.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdoutBytes)) as? [String: Any]
        #expect(doc?["schemaVersion"] as? String == "mailroom.report/1")

        let csvPath = dir.appendingPathComponent("unmatched.csv").path
        let html = try MailroomProcess.run(["report", "--run", run, "--format", "html", "--unmatched-csv", csvPath])
        #expect(html.status == 0)
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.hasPrefix("address,name,messages,threads,sent_to,last_seen,bulk_only\r\n"))
        #expect(csv.contains("\r\nlaura.bianchi@contoso.example,Laura Bianchi,19,1,9,"))
    }

    @Test func conflictingFormatFlagsAreAUsageError() throws {
        let r = try MailroomProcess.run(["report", "--run", "/nonexistent", "--json", "--format", "html"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
    }

    @Test func planReadsAnExistingRunAndPrintsOneJSONDocument() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try dryRun(dir)
        let r = try MailroomProcess.run(["plan", Self.pipeline, "--from-run", dir.appendingPathComponent("run").path,
                                         "--provider", "gmail", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("The run covers 60 days"))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        #expect(doc["schemaVersion"] as? String == "mailroom.plan/1")
        #expect(doc["lastDay"] as? String == "2026-11-20")
        let windows = try #require(doc["windows"] as? [[String: Any]])
        #expect(windows.map { $0["days"] as? Int } == [7, 14, 30, 60])
        #expect(windows.last?["messages"] as? Int == 197)
        #expect((doc["limits"] as? [String: Any])?["name"] as? String == "gmail")
    }

    @Test func planMakesItsOwnDryRunOverTheWidestWindow() throws {
        let dir = MailroomProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["plan", Self.pipeline, "--as-of", "2026-11-20", "--run-dir", dir.appendingPathComponent("plan").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("  365 days "))
        #expect(r.stdout.contains("Suggested window: "))
        #expect(r.stdout.contains("Warning: The 365-day window reaches a year back"))
    }

    @Test(arguments: [["--windows", "7,x"], ["--windows", "0"], ["--provider", "yahoo"]])
    func badPlanOptionsAreUsageErrors(args: [String]) throws {
        let r = try MailroomProcess.run(["plan", Self.pipeline] + args)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
    }
}
