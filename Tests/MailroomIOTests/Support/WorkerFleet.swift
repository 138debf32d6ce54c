import Foundation
import Testing
@testable import MailroomIO
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// A pipeline of several Maildir mailboxes that share messages, loading into PostgreSQL (`PostgresServer`), and the
/// local runner (`scripts/workers.sh`) that starts one built `mailroom` per mailbox. Mailboxes, built from the
/// sample mailbox (`sample-data/mailbox`):
/// - `a`: the whole sample mailbox; `b`: the same messages again (a shared mailbox's copy of the same mail);
/// - `sent`: its Sent folder alone, `archive`: its Archive tree alone (subsets of `a`, in other folders).
final class WorkerFleet {
    static let mailboxes = ["a", "b", "sent", "archive"]
    let dir = StoreTempDir()
    let pipeline: String
    let store: String

    init() throws {
        let fm = FileManager.default
        let sample = PostgresPipelineTests.repoRoot.appendingPathComponent("sample-data")
        let mail = dir.url.appendingPathComponent("mail")
        try fm.createDirectory(at: mail, withIntermediateDirectories: true)
        for m in ["a", "b"] {
            try fm.copyItem(at: sample.appendingPathComponent("mailbox"), to: mail.appendingPathComponent(m))
        }
        try fm.copyItem(at: sample.appendingPathComponent("mailbox/Sent"), to: mail.appendingPathComponent("sent"))
        try fm.createDirectory(at: mail.appendingPathComponent("archive"), withIntermediateDirectories: true)
        try fm.copyItem(at: sample.appendingPathComponent("mailbox/Archive"), to: mail.appendingPathComponent("archive/Archive"))
        try fm.copyItem(at: sample.appendingPathComponent("contacts.csv"), to: dir.url.appendingPathComponent("contacts.csv"))
        store = try PostgresPipelineTests.postgresStore()
        let boxes = Self.mailboxes.map { """
              - name: \($0)
                source: maildir
                path: mail/\($0)
                owner: [dana.reyes@northwind.example, dana@northwind.example]
            """ }.joined(separator: "\n")
        let text = """
            name: fleet
            mailboxes:
            \(boxes)
            ownDomains: [northwind.example]
            contacts: contacts.csv
            backfillDays: 60
            store: \(store)
            createContacts: sent

            """
        pipeline = dir.file("fleet.yml")
        try text.write(toFile: pipeline, atomically: false, encoding: .utf8)
    }

    /// The same pipeline into a new database: the reference a single process loads.
    func sibling() throws -> WorkerFleet { try WorkerFleet() }

    static let runOptions = ["--as-of", "2026-11-20"]

    /// `scripts/workers.sh PIPELINE -j N MAILBOX… -- --as-of …`, started; stdout and stderr to files.
    func startRunner(_ mailboxes: [String], jobs: Int = 4, shards: Int = 0, env: [String: String] = [:]) throws -> Runner {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        let logs = dir.file("logs-\(UUID().uuidString.prefix(8))")
        p.arguments = [PostgresPipelineTests.repoRoot.appendingPathComponent("scripts/workers.sh").path, pipeline,
                       "-j", String(jobs), "--shards", String(shards), "--logs", logs] + mailboxes + ["--"] + Self.runOptions
        p.environment = ProcessInfo.processInfo.environment
            .merging(["MAILROOM": PostgresPipelineTests.binary.path]) { _, b in b }
            .merging(env) { _, b in b }
        let out = dir.file("runner-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = h
        p.standardError = h
        try p.run()
        return Runner(process: p, output: out, logs: logs)
    }

    func runRunner(_ mailboxes: [String], jobs: Int = 4, shards: Int = 0,
                   env: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let r = try startRunner(mailboxes, jobs: jobs, shards: shards, env: env)
        return r.wait()
    }

    struct Runner {
        let process: Process
        let output: String
        let logs: String

        /// Waits for the runner, at most `seconds`: a runner still going then is killed (with its workers) and the
        /// test fails instead of hanging the suite.
        func wait(seconds: Double = 300, sourceLocation: SourceLocation = #_sourceLocation) -> (status: Int32, output: String) {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning {
                Issue.record("workers.sh still running after \(Int(seconds)) s: killed", sourceLocation: sourceLocation)
                let pid = process.processIdentifier
                _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: ["-KILL", "-P", String(pid)])
                    .waitUntilExit()
                kill(pid, SIGKILL)
            }
            process.waitUntilExit()
            return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
        }

        func log(_ task: String) -> String { (try? String(contentsOfFile: "\(logs)/\(task).log", encoding: .utf8)) ?? "" }
    }

    func dump() throws -> String { try PostgresPipelineTests.dump(pipeline) }

    func connect() throws -> PGConnection {
        let name = String(store.split(separator: "?")[0].dropFirst("postgres:///".count))
        return try PostgresServer.get().connect(database: name)
    }

    /// The worker (client pid, server pid) stopped by `MAILROOM_FAULT=…:stop`: a Mailroom session (its
    /// `application_name` names the client's pid) whose process is stopped. Waits up to a minute.
    func stoppedWorker() throws -> (client: pid_t, server: String)? {
        let c = try connect()
        for _ in 0..<600 {
            for r in try c.execute("""
                SELECT application_name, pid FROM pg_stat_activity
                WHERE application_name LIKE 'mailroom %' AND datname = current_database()
                """).rows {
                guard let app = r[0], let colon = app.lastIndex(of: ":"),
                      let pid = pid_t(app[app.index(after: colon)...]) else { continue }
                if Self.isStopped(pid) { return (pid, r[1] ?? "") }
            }
            usleep(100_000)
        }
        return nil
    }

    /// Waits (up to 10 s) until the server has ended session `serverPid` (its locks are released only then).
    func waitForSessionEnd(_ serverPid: String) throws {
        let c = try connect()
        for _ in 0..<200 {
            if try c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [serverPid]).scalar == "0" { return }
            usleep(50_000)
        }
    }

    static func isStopped(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "T"
    }
}
