import Foundation
import Testing
@testable import MailroomIO

/// `mailroom store dump PIPELINE`: the store's canonical dump on stdout, the same bytes every time.
@Suite struct StoreDumpCommandTests {
    static let window = ["--as-of", "2026-11-20", "--days", "30"]

    @Test func printsTheCanonicalDumpOfTheLoadedStoreSortedAndStable() throws {
        let tmp = MailroomProcess.tempDir("dump")
        defer { try? FileManager.default.removeItem(at: tmp) }
        try ListCopyMail.writeMaildir(tmp.appendingPathComponent("mail"))
        let pipeline = tmp.appendingPathComponent("pipeline.yaml")
        try ListCopyMail.pipeline(source: "maildir", path: "mail").write(to: pipeline, atomically: false, encoding: .utf8)
        let load = try MailroomProcess.run(["run", pipeline.path, "--run-dir", tmp.appendingPathComponent("run").path, "--quiet"] + Self.window)
        try #require(load.status == 0, "\(load.stderr)")

        let first = try MailroomProcess.run(["store", "dump", pipeline.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.isEmpty)
        let store = try CRMStore.open(path: tmp.appendingPathComponent("crm.sqlite").path, readOnly: true)
        #expect(first.stdout == (try StoreDump.canonical(store)) + "\n")
        #expect(try MailroomProcess.run(["store", "dump", pipeline.path]).stdoutBytes == first.stdoutBytes)

        // Every table's rows are sorted, and the mail is there.
        let lines = first.stdout.split(separator: "\n").map(String.init)
        let byTable = Dictionary(grouping: lines) { $0.prefix { $0 != "|" } }
        #expect(byTable["messages"]?.count ?? 0 >= 5)
        #expect(lines.contains { $0.hasPrefix("messages|") && $0.contains("CAF1142x9PriyaN@mail.contoso.example") })
        #expect(lines.contains { $0.hasPrefix("runs|") && $0.contains("started_at=*") })
        #expect(!first.stdout.contains("\u{1B}"))

        let data = try MailroomProcess.run(["store", "dump", pipeline.path, "--data"])
        #expect(data.status == 0)
        #expect(data.stdout == (try StoreDump.canonical(store, scope: .data)) + "\n")
        #expect(!data.stdout.contains("\nruns|") && !data.stdout.hasPrefix("runs|"))
    }

    /// `store dump`, `run` and `runs` use a PostgreSQL store (its password from `secret:`; unset here, so refused
    /// before any connection, naming the variable).
    @Test func aPostgresStoreNeedsItsSecretForRunDumpAndRunsAndAMissingStoreIsStore() throws {
        let tmp = MailroomProcess.tempDir("dump-pg")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = tmp.appendingPathComponent("pipeline.yaml")
        try ListCopyMail.pipeline(source: "maildir", path: "mail")
            .replacingOccurrences(of: "store: sqlite:crm.sqlite", with: "store: postgres://loader@db.example:6432/crm\nsecret: env:PG_PASSWORD")
            .write(to: pipeline, atomically: false, encoding: .utf8)
        let r = try MailroomProcess.run(["store", "dump", pipeline.path])
        #expect(r.status == 13, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("the PostgreSQL store") && r.stderr.contains("PG_PASSWORD"), "\(r.stderr)")
        // A run loads into it, and `runs` reads its run log: both need the secret too, and name it, never the user.
        let run = try MailroomProcess.run(["run", pipeline.path, "--run-dir", tmp.appendingPathComponent("run").path] + Self.window)
        #expect(run.status == 13, "\(run.stderr)")
        #expect(run.stderr.contains("PG_PASSWORD"), "\(run.stderr)")
        let runs = try MailroomProcess.run(["runs", pipeline.path])
        #expect(runs.status == 13, "\(runs.stderr)")
        #expect(runs.stdout.isEmpty && runs.stderr.contains("PG_PASSWORD"), "\(runs.stderr)")
        #expect(!runs.stderr.contains("loader"))
        #expect(!run.stderr.contains("loader"))

        try ListCopyMail.pipeline(source: "maildir", path: "mail").write(to: pipeline, atomically: false, encoding: .utf8)
        let missing = try MailroomProcess.run(["store", "dump", pipeline.path])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("no store here yet"))
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("crm.sqlite").path))
    }
}
