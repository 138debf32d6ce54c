import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// A small tmpfs mounted for one test (tests run as root; skipped where the sandbox does not allow mounts).
/// Root ignores permission bits, so a read-only *mount* is the real way to get a location root cannot write.
final class StoreTmpfs {
    let dir = StoreTempDir()
    var path: String { dir.path }

    init?(size: String) {
        guard StoreTmpfs.run(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir.path]) else { return nil }
    }

    func remount(_ options: String) -> Bool { StoreTmpfs.run(["-o", "remount,\(options)", dir.path]) }

    deinit { _ = StoreTmpfs.run(["-l", dir.path], tool: "/bin/umount") }

    @discardableResult
    static func run(_ args: [String], tool: String = "/bin/mount") -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Whether this machine lets the tests mount a tmpfs.
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        return StoreTmpfs(size: "64k") != nil
    }()
}

@Suite(.enabled(if: StoreTmpfs.available, "needs root and mount(8) for a tmpfs"))
struct StoreDiskTests {
    typealias F = StoreFixture

    @Test func aNewStoreInAReadOnlyLocationIsALocalIOErrorAndCreatesNothing() throws {
        let fs = try #require(StoreTmpfs(size: "1m"))
        #expect(fs.remount("ro"))
        let path = fs.path + "/crm.sqlite"
        let e = try #require(throws: MailroomError.self) { try CRMStore.open(path: path) }
        #expect(e.status == .localIO)
        #expect(e.location == path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fs.path) == [])
    }

    @Test func anExistingStoreOnAReadOnlyMountIsALocalIOErrorAndStaysIntact() throws {
        let fs = try #require(StoreTmpfs(size: "4m"))
        let path = fs.path + "/crm.sqlite"
        do {
            let store = try CRMStore.open(path: path)
            _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts))
            try store.queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(fs.remount("ro"))
        let e = try #require(throws: MailroomError.self) {
            let store = try CRMStore.open(path: path)
            _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts),
                           run: LoadRunInfo(runId: "run-2", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        }
        #expect(e.status == .localIO)
        #expect(e.location == path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aFullDiskIsALocalIOErrorTheStoreStaysIntactAndARerunConverges() throws {
        let (ms, ts) = F.many(900)
        let input = F.input(ms, threads: ts, contacts: F.contacts)
        let options = LoadOptions(batchSize: 100)
        let cleanDir = StoreTempDir()
        let clean = try F.open(cleanDir)
        _ = try F.load(clean, input, options: options)
        let cleanDump = try StoreDump.canonical(clean)

        let fs = try #require(StoreTmpfs(size: "512k"))
        let path = fs.path + "/crm.sqlite"
        let store = try CRMStore.open(path: path)
        let e = try #require(throws: MailroomError.self) { try F.load(store, input, options: options) }
        #expect(e.status == .localIO)
        #expect(e.location == path)
        #expect(e.message.contains("disk is full"))
        #expect(try store.integrityCheck() == "ok")
        let committed = try store.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } ?? 0
        #expect(committed % 100 == 0, "only whole batches are committed")

        #expect(fs.remount("size=64m"))
        _ = try F.load(store, input, options: options)
        #expect(try store.integrityCheck() == "ok")
        #expect(try StoreDump.canonical(store) == cleanDump)
    }
}
