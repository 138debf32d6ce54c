import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Places Mailroom must write to that it cannot: a `--run-dir` that is a file, a `runs` beside the pipeline that
/// is a file, a store whose folder does not let it create files. One line naming the place, exit 5 (local I/O),
/// and the user's file left as it was.
@Suite struct UnwritablePlacesTests {
    @Test func aRunDirectoryThatIsAFileIsRefusedAndLeftAlone() throws {
        let p = try RunDirectoryNameTests.pipeline()
        let dir = p.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notes.txt")
        try "my notes\n".write(to: file, atomically: false, encoding: .utf8)
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20", "--run-dir", file.path])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr == "mailroom: error: \(file.path): cannot create the run directory: Not a directory\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == "my notes\n")
        // Named as an existing run to rerun a stage in: not a run directory (input).
        let stage = try MailroomProcess.run(["stage", "normalize", "--run", file.path])
        #expect(stage.status == 3, "\(stage.stderr)")
        #expect(stage.stderr == "mailroom: error: \(file.path): no such run directory\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == "my notes\n")
    }

    @Test func aRunsFolderThatIsAFileIsRefused() throws {
        let p = try RunDirectoryNameTests.pipeline()
        let dir = p.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let runs = dir.appendingPathComponent("runs")
        try "not a folder\n".write(to: runs, atomically: false, encoding: .utf8)
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20"])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr == "mailroom: error: \(runs.path): cannot create the runs folder: Not a directory\n")
        #expect(try String(contentsOf: runs, encoding: .utf8) == "not a folder\n")
    }

    /// Makes `dir` refuse new files: mode 0555, and for root (whom modes do not stop) the immutable attribute.
    /// False when neither works here (then the test has nothing to check).
    static func makeUnwritable(_ dir: URL) -> Bool {
        chmod(dir.path, 0o555)
        if geteuid() == 0 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            p.arguments = ["+i", dir.path]
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return false }
            p.waitUntilExit()
        }
        let probe = dir.appendingPathComponent(".probe").path
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 { close(fd); unlink(probe); return false }
        return true
    }

    static func makeWritable(_ dir: URL) {
        if geteuid() == 0 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            p.arguments = ["-i", dir.path]
            try? p.run()
            p.waitUntilExit()
        }
        chmod(dir.path, 0o700)
    }

    @Test func aStoreWhoseFolderRefusesNewFilesStopsTheLoadWithOneLine() throws {
        let p = try RunDirectoryNameTests.pipeline()
        let dir = p.deletingLastPathComponent()
        let folder = dir.appendingPathComponent("store")
        defer {
            Self.makeWritable(folder)
            try? FileManager.default.removeItem(at: dir)
        }
        try (String(contentsOf: p, encoding: .utf8) + "store: sqlite:store/crm.sqlite\n").write(to: p, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        guard Self.makeUnwritable(folder) else { return }

        // No store yet: its lock file cannot be made.
        let first = try MailroomProcess.run(["run", p.path, "--as-of", "2026-11-20", "--quiet"])
        #expect(first.status == 5, "\(first.stderr)")
        #expect(first.stderr.hasPrefix("mailroom: error: \(folder.path)/crm.sqlite.lock: cannot create the lock file: "))
        #expect(first.stderr.split(separator: "\n").count == 1, "\(first.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        // A store loaded once, then its folder made read-only: SQLite cannot make its -wal and -shm files.
        Self.makeWritable(folder)
        let load = try MailroomProcess.run(["run", p.path, "--as-of", "2026-11-20", "--quiet"])
        try #require(load.status == 0, "\(load.stderr)")
        let before = try Data(contentsOf: folder.appendingPathComponent("crm.sqlite"))
        try #require(Self.makeUnwritable(folder))
        let again = try MailroomProcess.run(["run", p.path, "--as-of", "2026-11-20", "--quiet"])
        #expect(again.status == 5, "\(again.stderr)")
        #expect(again.stderr == "mailroom: error: \(folder.path)/crm.sqlite: cannot open the store: cannot open or create the file (read-only or missing location?)\n")
        #expect(try Data(contentsOf: folder.appendingPathComponent("crm.sqlite")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["crm.sqlite", "crm.sqlite.lock"])
    }
}
