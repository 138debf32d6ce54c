import Foundation
import Testing
import Yams

/// The deploy examples are used, not only shown: the Kubernetes Indexed Job's pod command, run for every
/// completion index with its ConfigMap's files (paths moved into a temporary folder, Maildir copies of the
/// sample as the mailboxes), and every task of the Airflow DAG (imported by python3 with a stand-in `airflow`
/// package that records the tasks), run as dry runs by the built `mailroom`: each exits 0.
struct DeployExamplesTests {
    static let deploy = MailroomProcess.repoRoot.appendingPathComponent("deploy")
    static let dryRun = "--dry-run --as-of 2026-11-20"

    static func sh(_ script: String, env: [String: String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// One Maildir copy of the sample per mailbox name under `root/mail`.
    static func mailboxes(_ names: [String], in root: URL) throws {
        for n in names {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("mail"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: MailroomProcess.repoRoot.appendingPathComponent("sample-data/mailbox"),
                                             to: root.appendingPathComponent("mail/\(n)"))
        }
    }

    @Test func theKubernetesJobRunsEachCompletionIndexsMailbox() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("kubernetes/mailroom-job.yaml"), encoding: .utf8)
        let docs = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        let config = try #require(docs.first { $0["kind"] as? String == "ConfigMap" })
        let job = try #require(docs.first { $0["kind"] as? String == "Job" })
        let data = try #require(config["data"] as? [String: String])
        let names = try #require(data["mailboxes"]).split(separator: "\n").map(String.init)
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        #expect(spec["completions"] as? Int == names.count)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let script = try #require((container["args"] as? [String])?.first)
        // Every path the command uses is a mounted volume.
        let mounts = (container["volumeMounts"] as? [[String: Any]] ?? []).compactMap { $0["mountPath"] as? String }
        for path in ["/etc/mailroom", "/var/run/secrets/mailroom", "/run/mailroom", "/work"] {
            #expect(mounts.contains(path) && script.contains(path + "/"), "\(path)")
        }

        let root = MailroomProcess.tempDir("mailroom-k8s")
        defer { try? FileManager.default.removeItem(at: root) }
        let moves = [("/etc/mailroom/", "etc/"), ("/var/run/secrets/mailroom/", "secrets/"), ("/run/mailroom/", "run/"),
                     ("/mail/", "mail/"), ("/work/", "work/"), ("/etc/mailroom-tls/", "tls/")]
        func moved(_ s: String) -> String {
            moves.reduce(s) { $0.replacingOccurrences(of: $1.0, with: root.appendingPathComponent($1.1).path + "/") }
        }
        for dir in ["etc", "secrets", "run", "work", "tls"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        for (name, content) in data {
            try moved(content).write(to: root.appendingPathComponent("etc/\(name)"), atomically: false, encoding: .utf8)
        }
        try "pg-password-never-printed\n".write(to: root.appendingPathComponent("secrets/pg-password"), atomically: false, encoding: .utf8)
        try Self.mailboxes(names, in: root)
        let command = moved(script).replacingOccurrences(of: "exec mailroom ", with: "exec '\(MailroomProcess.binary.path)' ")
        for index in names.indices {
            let r = try Self.sh(command, env: ["JOB_COMPLETION_INDEX": String(index), "MAILROOM_RUN_OPTIONS": Self.dryRun])
            #expect(r.status == 0, "index \(index): \(r.output)")
            #expect(r.output.contains("Dry run") || r.output.contains("dry run"), "\(r.output)")
            #expect(!r.output.contains("pg-password-never-printed"))
            let runs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("work/runs").path)
            #expect(runs.contains { $0.hasPrefix(names[index] + "-") })
        }
        let past = try Self.sh(command, env: ["JOB_COMPLETION_INDEX": String(names.count), "MAILROOM_RUN_OPTIONS": Self.dryRun])
        #expect(past.status == 2 && past.output.contains("no mailbox on line \(names.count + 1)"))
    }

    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: DeployExamplesTests.python != nil, "python3 is not installed"))
    func theAirflowDAGIsValidPythonAndEachTaskRunsItsMailbox() throws {
        let python = try #require(Self.python)
        let dag = Self.deploy.appendingPathComponent("airflow/mailroom_dag.py").path
        let root = MailroomProcess.tempDir("mailroom-airflow")
        defer { try? FileManager.default.removeItem(at: root) }
        let compiled = try Self.sh("'\(python)' -c \"import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)\" '\(dag)' '\(root.path)/dag.pyc'", env: [:])
        #expect(compiled.status == 0, "\(compiled.output)")
        // A stand-in `airflow` package: the DAG context and BashOperator, recording each task.
        let stub = root.appendingPathComponent("stub/airflow/operators")
        try FileManager.default.createDirectory(at: stub, withIntermediateDirectories: true)
        try """
            import json
            TASKS = []
            class DAG:
                def __init__(self, **kw): self.kw = kw
                def __enter__(self): return self
                def __exit__(self, *a): print(json.dumps(TASKS)); return False

            """.write(to: root.appendingPathComponent("stub/airflow/__init__.py"), atomically: false, encoding: .utf8)
        try "".write(to: stub.appendingPathComponent("__init__.py"), atomically: false, encoding: .utf8)
        try """
            import airflow
            class BashOperator:
                def __init__(self, task_id, bash_command, **kw):
                    airflow.TASKS.append({"task_id": task_id, "bash_command": bash_command})

            """.write(to: stub.appendingPathComponent("bash.py"), atomically: false, encoding: .utf8)
        let pipeline = root.appendingPathComponent("crm.yml").path
        let env = ["PYTHONPATH": root.appendingPathComponent("stub").path, "PYTHONDONTWRITEBYTECODE": "1",
                   "MAILROOM_PIPELINE": pipeline, "MAILROOM_RUN_OPTIONS": Self.dryRun]
        let imported = try Self.sh("'\(python)' '\(dag)'", env: env)
        #expect(imported.status == 0, "\(imported.output)")
        let tasks = try #require(try JSONSerialization.jsonObject(with: Data(imported.output.utf8)) as? [[String: String]])
        #expect(tasks.count >= 2)
        let names = tasks.compactMap { $0["task_id"].map { String($0.dropFirst("load_".count)) } }
        try Self.mailboxes(names, in: root)
        try """
            name: airflow-example
            mailboxes:
            \(names.map { "  - {name: \($0), source: maildir, path: mail/\($0), owner: [dana.reyes@northwind.example]}" }.joined(separator: "\n"))
            ownDomains: [northwind.example]
            backfillDays: 60

            """.write(toFile: pipeline, atomically: false, encoding: .utf8)
        let path = MailroomProcess.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for t in tasks {
            let command = try #require(t["bash_command"])
            #expect(command.contains("mailroom run '\(pipeline)' --mailbox '"))
            let r = try Self.sh(command, env: ["PATH": path])
            #expect(r.status == 0, "\(t["task_id"] ?? ""): \(r.output)")
        }
    }
}
