import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Everything Mailroom writes holds the team's mail: run directories, NDJSON, reports, lock and temporary files,
/// the SQLite store with its companions, `--out` reports and CSV exports are readable by their owner only
/// (directories 0700, files 0600), under the usual umask 022 of a user's shell. A run directory or store an
/// older version left readable by others is tightened when Mailroom opens it for writing.
@Suite struct PrivateFilesTests {
    /// Every directory and file at or below `path` (symbolic links not followed) whose mode is not 0700
    /// (directories) or 0600 (files), with its mode.
    static func loosePaths(_ path: String) -> [String] {
        var out: [String] = []
        var st = stat()
        guard lstat(path, &st) == 0 else { return ["\(path) missing"] }
        let mode = st.st_mode & 0o777
        if st.st_mode & S_IFMT == S_IFDIR {
            if mode != 0o700 { out.append("\(path) \(String(mode, radix: 8))") }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                out += loosePaths(path + "/" + name)
            }
        } else if mode != 0o600 {
            out.append("\(path) \(String(mode, radix: 8))")
        }
        return out
    }

    /// The store file and what SQLite and Mailroom keep beside it (`-wal`, `-shm`, `.lock`).
    static func storeFiles(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("crm.sqlite") }.sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    static func run(_ args: [String]) throws {
        let r = try MeasuredProcess.run(args, umask: "022")
        try #require(r.status == 0, "mailroom \(args.joined(separator: " ")): exit \(r.status): \(r.stderr)")
    }

    @Test func aDryRunALoadAndTheirReportsAreOwnerOnlyUnderUmask022() throws {
        let tmp = MailroomProcess.tempDir("private-files")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = try RunFiles.copySample(to: tmp)
        let pipelines = pipeline.deletingLastPathComponent()
        let dry = tmp.appendingPathComponent("runs/dry")
        let out = tmp.appendingPathComponent("report.html").path, csv = tmp.appendingPathComponent("unmatched.csv").path
        try Self.run(["run", pipeline.path, "--dry-run", "--as-of", "2026-11-20", "--run-dir", dry.path,
                      "--format", "html", "--out", out])
        try Self.run(["report", "--run", dry.path, "--format", "json", "--out", tmp.appendingPathComponent("report.json").path,
                      "--unmatched-csv", csv])
        // A load into the store, into the default run directory (`runs/<time>` beside the pipeline file).
        try Self.run(["run", pipeline.path, "--as-of", "2026-11-20"])

        // `runs/` (made for the dry run's --run-dir) and the run directories below it, whole.
        #expect(Self.loosePaths(tmp.appendingPathComponent("runs").path) == [])
        let defaultRuns = pipelines.appendingPathComponent("runs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: defaultRuns.path).count == 1)
        #expect(Self.loosePaths(defaultRuns.path) == [])
        let store = try Self.storeFiles(pipelines)
        #expect(store.contains(pipelines.appendingPathComponent("crm.sqlite").path)
                && store.contains(pipelines.appendingPathComponent("crm.sqlite.lock").path), "\(store)")
        for f in store + [out, csv, tmp.appendingPathComponent("report.json").path] {
            #expect(Self.loosePaths(f) == [])
        }
        // Nothing else appeared beside the reports (no temporary file left behind).
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
                == ["pipelines", "report.html", "report.json", "runs", "sample-data", "unmatched.csv"])
    }

    @Test func anOlderWorldReadableRunDirectoryAndStoreAreTightenedWhenOpenedForWriting() throws {
        let tmp = MailroomProcess.tempDir("private-files")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = try RunFiles.copySample(to: tmp)
        let pipelines = pipeline.deletingLastPathComponent()
        let run = tmp.appendingPathComponent("run")
        // An empty folder made for the run (`mkdir run` under umask 022) becomes private too.
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
        try Self.run(["run", pipeline.path, "--as-of", "2026-11-20", "--run-dir", run.path])
        #expect(Self.loosePaths(run.path) == [])
        // What an older Mailroom left under umask 022.
        let loosen = Process()
        loosen.executableURL = URL(fileURLWithPath: "/bin/sh")
        loosen.arguments = ["-c", "find '\(run.path)' -type d -exec chmod 755 {} + && find '\(run.path)' -type f -exec chmod 644 {} + "
                            + "&& chmod 644 '\(pipelines.path)'/crm.sqlite*"]
        try loosen.run()
        loosen.waitUntilExit()
        try #require(loosen.terminationStatus == 0)
        try #require(!Self.loosePaths(run.path).isEmpty)

        // Rerunning a stage opens the run directory for writing; loading it again opens the store.
        try Self.run(["stage", "match", "--run", run.path])
        try Self.run(["stage", "load", "--run", run.path])
        #expect(Self.loosePaths(run.path) == [])
        for f in try Self.storeFiles(pipelines) { #expect(Self.loosePaths(f) == []) }
    }

    static func mode(_ path: String) -> String {
        var st = stat()
        guard lstat(path, &st) == 0 else { return "missing" }
        return String(st.st_mode & 0o777, radix: 8)
    }

    @Test func aRunDirectoryThatAlsoHoldsTheUsersOwnFilesLeavesThemAsTheyAreWhenReopened() throws {
        let tmp = MailroomProcess.tempDir("private-files")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = try RunFiles.copySample(to: tmp)
        // The user's working folder, given as `--run-dir` (`--run-dir .` from inside it): a script, notes.
        let work = tmp.appendingPathComponent("work")
        let fm = FileManager.default
        try fm.createDirectory(at: work.appendingPathComponent("notes"), withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o755])
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.path)
        #expect(fm.createFile(atPath: work.appendingPathComponent("tool.sh").path, contents: Data("#!/bin/sh\n".utf8),
                              attributes: [.posixPermissions: 0o755]))
        #expect(fm.createFile(atPath: work.appendingPathComponent("notes/todo.txt").path, contents: Data("call Ann\n".utf8),
                              attributes: [.posixPermissions: 0o644]))
        func userModes() -> [String] {
            ["", "/tool.sh", "/notes", "/notes/todo.txt"].map { "\($0):\(Self.mode(work.path + $0))" }
        }
        let before = userModes()
        #expect(before == [":755", "/tool.sh:755", "/notes:755", "/notes/todo.txt:644"])

        try Self.run(["run", pipeline.path, "--dry-run", "--as-of", "2026-11-20", "--run-dir", work.path])
        #expect(userModes() == before)
        // Rerunning a stage and reporting open the run directory for writing: only what Mailroom wrote there is
        // set to owner-only.
        try Self.run(["stage", "match", "--run", work.path])
        try Self.run(["report", "--run", work.path, "--format", "json"])
        #expect(userModes() == before)
        for own in ["manifest.json", "report.json", "extract", "normalize", "dedupe", "match", "load"] {
            #expect(Self.loosePaths(work.appendingPathComponent(own).path) == [], "\(own)")
        }
    }
}
