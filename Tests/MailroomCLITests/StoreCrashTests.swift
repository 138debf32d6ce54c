import Foundation
import GRDB
import MailroomIO
import Testing

/// Process-level crash tests of the load, driving the built `mailroom` binary (debug build: `MAILROOM_FAULT`):
/// an exit at every commit point, a real `kill -9` while the store is locked mid-load, a full disk (a small
/// tmpfs), two runs at once. After each, the store passes `PRAGMA integrity_check` and a rerun of the same run's
/// load converges to the rows of a clean run.
@Suite(.serialized, .enabled(if: StoreProcess.supportsLoad, "needs the built mailroom with run, stage load and review"))
struct StoreCrashTests {
    static let messages = 600

    @Test func aCleanRunLoadsAndReviews() throws {
        let ws = try StoreWorkspace(messages: Self.messages)
        let r = try ws.run("r1")
        #expect(r.status == 0, "\(r.stderr)")
        let counts = try ws.loadCounts("r1")
        #expect(counts["messages"] == Self.messages)
        let review = try StoreProcess.run(["review", ws.pipeline, "--json"])
        #expect(review.stdout.contains("\"schemaVersion\":1"))
        #expect(review.status == 0, "\(review.stdout)")
    }

    /// The store after a clean run "r1" of the workspace, and the load's counts (one clean run for all tests).
    static let clean: Result<(dump: String, counts: [String: Int], occurrences: [String: Int]), Error> = Result {
        let ws = try StoreWorkspace(messages: messages)
        let r = try ws.run("r1")
        guard r.status == 0 else { throw MailroomError(.internalError, "clean run failed: \(r.stderr)") }
        var n: [String: Int] = [:]
        for p in FaultHook.loadPoints { n[p] = try ws.occurrences(of: p, run: "r1") }
        return (try ws.dump(), try ws.loadCounts("r1"), n)
    }

    /// Every commit point, at its first, middle and last occurrence: exit 70 there, then `stage load` of the
    /// same run finishes the job, and the store equals a clean run's.
    @Test(arguments: FaultHook.loadPoints)
    func anExitAtACommitPointThenALoadRerunConvergesToTheCleanStore(point: String) throws {
        let clean = try Self.clean.get()
        let cleanDump = clean.dump
        let n = clean.occurrences[point] ?? 0
        #expect(n > 0)
        for occurrence in Set([1, (n + 1) / 2, n]).sorted() {
            let ws = try StoreWorkspace(messages: Self.messages)
            let crashed = try ws.run("r1", env: ["MAILROOM_FAULT": "\(point):\(occurrence)"])
            #expect(crashed.status == 70, "\(point):\(occurrence): \(crashed.stderr)")
            #expect(try ws.integrity() == "ok")
            let rerun = try StoreProcess.run(["stage", "load", "--run", ws.runDir("r1")])
            #expect(rerun.status == 0, "\(point):\(occurrence): \(rerun.stderr)")
            #expect(try ws.dump() == cleanDump, "\(point):\(occurrence)")
        }
    }

    @Test func killDashNineMidLoadReleasesTheLockKeepsTheStoreIntactAndTheRerunConverges() throws {
        let cleanDump = try Self.clean.get().dump
        let ws = try StoreWorkspace(messages: Self.messages)
        // Stopped inside its 4th batch transaction, holding the store lock: then killed from outside.
        let p = try ws.start("r1", env: ["MAILROOM_FAULT": "load.batch.beforeCommit:4:stop"])
        try StoreProcess.waitUntilStopped(p.processIdentifier)
        let second = try ws.run("r2")
        #expect(second.status == 6, "\(second.stderr)")
        #expect(second.stderr.contains("locked by pid \(p.processIdentifier) since "))
        #expect(second.stderr.split(separator: "\n").count == 1)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(try ws.integrity() == "ok")
        let rerun = try StoreProcess.run(["stage", "load", "--run", ws.runDir("r1")])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try ws.dump() == cleanDump)
    }

    @Test(.enabled(if: StoreProcess.canMount, "needs root and mount(8) for a tmpfs"))
    func aFullDiskIsExitFiveNamingTheStoreAndTheRerunConverges() throws {
        let cleanDump = try Self.clean.get().dump
        let mnt = TempFolder()
        #expect(StoreProcess.mount(["-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.path]))
        defer { _ = StoreProcess.mount(["-l", mnt.path], tool: "/bin/umount") }
        let store = mnt.path + "/crm.sqlite"
        let ws = try StoreWorkspace(messages: Self.messages, store: store)
        let full = try ws.run("r1")
        #expect(full.status == 5, "\(full.stderr)")
        #expect(full.stderr.contains(store))
        #expect(try ws.integrity() == "ok")
        #expect(StoreProcess.mount(["-o", "remount,size=64m", mnt.path]))
        let rerun = try StoreProcess.run(["stage", "load", "--run", ws.runDir("r1")])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try ws.dump() == cleanDump)
    }

    /// Root ignores permission bits, so the read-only location is a read-only tmpfs mount.
    @Test(.enabled(if: StoreProcess.canMount, "needs root and mount(8) for a tmpfs"))
    func aStoreInAReadOnlyLocationIsExitFiveAndNothingIsWritten() throws {
        let mnt = TempFolder()
        #expect(StoreProcess.mount(["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", mnt.path]))
        defer { _ = StoreProcess.mount(["-l", mnt.path], tool: "/bin/umount") }
        let store = mnt.path + "/crm.sqlite"
        let ws = try StoreWorkspace(messages: 3, store: store)
        let r = try ws.run("r1")
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr.contains(store))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mnt.path) == [])
    }

    @Test func aStoreFileThatIsNotSQLiteIsExitFourAndLeftAlone() throws {
        let ws = try StoreWorkspace(messages: 3)
        let junk = Data("not a database at all\n".utf8)
        try junk.write(to: URL(fileURLWithPath: ws.storePath))
        let r = try ws.run("r1")
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains(ws.storePath))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: ws.storePath)) == junk)
        let review = try StoreProcess.run(["review", ws.pipeline])
        #expect(review.status == 4)
    }

    @Test func contactsImportUpdatesByIdAndRefusesABrokenFileWritingNothing() throws {
        let ws = try StoreWorkspace(messages: 3)
        let csv = ws.folder.path + "/contacts.csv"
        let first = try StoreProcess.run(["contacts", "import", csv, "--pipeline", ws.pipeline])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("imported 2 contacts: 2 new, 0 updated, 0 unchanged"))
        try "id,name,emails\nc1,Alice Renamed,alice@customer.com\n".write(toFile: csv, atomically: false, encoding: .utf8)
        let second = try StoreProcess.run(["contacts", "import", csv, "--store", "sqlite:" + ws.storePath, "--json"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("\"created\":0,\"updated\":1,\"unchanged\":0"))
        try "id,name,emails\nc1,Alice,\"alice@customer.com\n".write(toFile: csv, atomically: false, encoding: .utf8)
        let broken = try StoreProcess.run(["contacts", "import", csv, "--pipeline", ws.pipeline])
        #expect(broken.status == 3)
        let names = try DatabaseQueue(path: ws.storePath).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM contacts ORDER BY id")
        }
        #expect(names == ["Alice Renamed", "Bob Client"])
        let neither = try StoreProcess.run(["contacts", "import", csv])
        #expect(neither.status == 2)
    }

    @Test func reviewExitsSevenNamingAPlantedMistake() throws {
        let ws = try StoreWorkspace(messages: 30)
        #expect(try ws.run("r1").status == 0)
        let q = try DatabaseQueue(path: ws.storePath)
        try q.write { db in
            try db.execute(sql: "INSERT INTO contacts(id, name, origin) VALUES ('planted', 'Twin', 'import')")
            try db.execute(sql: """
                INSERT INTO contact_emails(contact_id, position, raw, address, key)
                VALUES ('planted', 0, 'ALICE@customer.com', 'ALICE@customer.com', 'ALICE@customer.com')
                """)
        }
        try q.close()
        let r = try StoreProcess.run(["review", ws.pipeline])
        #expect(r.status == 7)
        #expect(r.stdout.contains("share the address alice@customer.com"))
    }
}

/// A pipeline over a generated mbox, a contacts file and a store, in a temporary folder.
final class StoreWorkspace {
    let folder = TempFolder()
    let storePath: String
    var pipeline: String { folder.path + "/pipeline.yml" }

    init(messages: Int, store: String? = nil) throws {
        storePath = store ?? folder.path + "/crm.sqlite"
        try StoreWorkspace.mbox(messages).write(toFile: folder.path + "/mail.mbox", atomically: false, encoding: .utf8)
        try """
            id,name,emails
            c1,Alice Customer,alice@customer.com
            c2,Bob Client,bob@client.org;b.client@gmail.com

            """.write(toFile: folder.path + "/contacts.csv", atomically: false, encoding: .utf8)
        try """
            name: crash-test
            mailbox:
              source: mbox
              path: mail.mbox
              owner: [me@example.com]
            ownDomains: [example.com]
            contacts: contacts.csv
            store: sqlite:\(storePath)
            createContacts: sent

            """.write(toFile: pipeline, atomically: false, encoding: .utf8)
    }

    func runDir(_ name: String) -> String { folder.path + "/runs/" + name }

    func run(_ name: String, env: [String: String] = [:]) throws -> StoreProcess.Result {
        try StoreProcess.run(["run", pipeline, "--run-dir", runDir(name), "--as-of", "2024-07-31", "--days", "150"],
                             env: env)
    }

    func start(_ name: String, env: [String: String], err: String? = nil) throws -> Process {
        try StoreProcess.start(["run", pipeline, "--run-dir", runDir(name), "--as-of", "2024-07-31", "--days", "150"],
                               env: env, err: err)
    }

    func integrity() throws -> String { try CRMStore.open(path: storePath, readOnly: true).integrityCheck() }

    func dump() throws -> String { try StoreDump.canonical(CRMStore.open(path: storePath, readOnly: true)) }

    func loadCounts(_ run: String) throws -> [String: Int] {
        let q = try DatabaseQueue(path: storePath)
        defer { try? q.close() }
        let text = try q.read { db in try String.fetchOne(db, sql: "SELECT counts FROM runs WHERE id = ?", arguments: [run]) }
        var out: [String: Int] = [:]
        for case let (k, v) in (try JSONParser.parse(Array((text ?? "{}").utf8))).objectValue ?? [:] {
            if let i = v.intValue { out[k] = i }
        }
        return out
    }

    /// How often a clean load passes `point`: each phase commits one batch per `LoadOptions.defaultBatchSize`
    /// records plus a last one.
    func occurrences(of point: String, run: String) throws -> Int {
        let c = try loadCounts(run)
        let size = LoadOptions.defaultBatchSize
        let batches = ["contacts", "threads", "messages", "links"].map { (c[$0] ?? 0) / size + 1 }.reduce(0, +)
        return point.hasPrefix("load.batch.") ? batches : 1
    }

    /// Threads of three: a customer writes, the owner replies; internal notes; mail to new people.
    static func mbox(_ n: Int) -> String {
        var out = ""
        for i in 0..<n {
            let day = 1 + (i % 28)
            let month = 4 + (i / 28) % 3
            let date = String(format: "%02d %@ 2024 %02d:%02d:00 +0000", day, ["Apr", "May", "Jun"][month - 4],
                              i % 24, i % 60)
            let (from, to): (String, String)
            switch i % 5 {
            case 0: (from, to) = ("Alice Customer <alice@customer.com>", "me@example.com")
            case 1: (from, to) = ("me@example.com", "Alice Customer <alice@customer.com>")
            case 2: (from, to) = ("me@example.com", "Colleague <colleague@example.com>")
            case 3: (from, to) = ("me@example.com", "New Person \(i % 7) <new\(i % 7)@prospect.io>")
            default: (from, to) = ("Bob <B.Client+crm@googlemail.com>", "me@example.com")
            }
            let root = i - i % 3
            var refs = ""
            if i != root { refs = "In-Reply-To: <m\(i - 1)@test>\nReferences: <m\(root)@test>\n" }
            out += """
                From sender@test Mon Apr  1 00:00:00 2024
                From: \(from)
                To: \(to)
                Subject: \(i == root ? "" : "Re: ")Topic \(root)
                Date: \(date)
                Message-ID: <m\(i)@test>
                \(refs)
                Body of message \(i).

                """
        }
        return out
    }
}

/// A temporary folder removed on deinit.
final class TempFolder {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-crash-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs the built binary with stdout and stderr in files (a stopped child cannot block on a full pipe).
enum StoreProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("mailroom")
    }

    static func start(_ args: [String], env: [String: String] = [:], out: String? = nil, err: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["MAILROOM_FAULT"] = nil
        for (k, v) in env { e[k] = v }
        p.environment = e
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out.flatMap { FileHandle(forWritingAtPath: $0) } ?? FileHandle.nullDevice
        p.standardError = err.flatMap { FileHandle(forWritingAtPath: $0) } ?? FileHandle.nullDevice
        try p.run()
        return p
    }

    static func run(_ args: [String], env: [String: String] = [:]) throws -> Result {
        let t = TempFolder()
        let out = t.path + "/out", err = t.path + "/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = try start(args, env: env, out: out, err: err)
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Result(status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Waits (bounded) until the process is stopped (`T` in /proc/PID/stat).
    static func waitUntilStopped(_ pid: Int32) throws {
        for _ in 0..<6_000 {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"),
               stat[stat.index(close, offsetBy: 2)] == "T" { return }
            usleep(20_000)
        }
        throw CancellationError()
    }

    static let supportsLoad: Bool = {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { return false }
        let stage = (try? run(["stage", "--help"]))?.stdout ?? ""
        let review = (try? run(["review", "--help"]))?.stdout ?? ""
        return stage.contains("USAGE: mailroom stage") && stage.contains("load")
            && review.contains("USAGE: mailroom review")
    }()

    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let t = TempFolder()
        guard mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", t.path]) else { return false }
        _ = mount([t.path], tool: "/bin/umount")
        return true
    }()

    @discardableResult
    static func mount(_ args: [String], tool: String = "/bin/mount") -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
