import Foundation
import Testing
@testable import MailroomIO

/// Another process holding a lock file: `flock(1)` takes it and runs a shell that writes a holder line in the
/// style of `FileLock` and sleeps; killing `flock` with SIGKILL must release the lock (the kernel does it).
final class ForeignLockHolder {
    let process = Process()
    let lockPath: String

    init(_ lockPath: String) throws {
        self.lockPath = lockPath
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-o", lockPath, "/bin/sh", "-c",
                             "printf 'pid %s since 2023-11-14T22:13:20Z\\n' $$ > '\(lockPath)'; exec sleep 30"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait until the holder line is written (the lock is held from before that).
        for _ in 0..<1_000 {
            if let s = try? String(contentsOfFile: lockPath, encoding: .utf8), s.hasPrefix("pid ") { return }
            usleep(10_000)
        }
        throw MailroomError(.internalError, "flock(1) did not take the lock")
    }

    /// The shell's pid (then `sleep`), from the holder line.
    var sleeperPid: Int32? {
        let s = (try? String(contentsOfFile: lockPath, encoding: .utf8)) ?? ""
        return s.split(separator: " ").dropFirst().first.flatMap { Int32($0) }
    }

    func kill9() {
        let sleeper = sleeperPid
        kill(process.processIdentifier, SIGKILL)
        // The sleeper too, before waiting: it inherited descriptors that waiting on `flock` would wait for.
        if let sleeper { kill(sleeper, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill9() } }

    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")
}

@Suite struct StoreLockTests {
    typealias F = StoreFixture

    @Test(.enabled(if: ForeignLockHolder.available, "needs flock(1)"))
    func aLockHeldByAnotherProcessFailsAtOnceNamingItUntilThatProcessIsKilled() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite.lock")
        let holder = try ForeignLockHolder(path)
        let e = try #require(throws: MailroomError.self) { try FileLock.acquire(path: path, what: "the store") }
        #expect(e.status == .locked)
        #expect(e.location == "the store")
        #expect(e.message.hasPrefix("locked by pid \(holder.sleeperPid ?? -1) since 2023-11-14T22:13:20Z"))
        holder.kill9()
        let mine = try FileLock.acquire(path: path, what: "the store", now: Date(timeIntervalSince1970: 0))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "pid \(getpid()) since 1970-01-01T00:00:00Z\n")
        mine.release()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "")
    }

    @Test(.enabled(if: ForeignLockHolder.available, "needs flock(1)"))
    func aProcessMayTakeItsOwnLockTwiceAndHoldsItUntilTheLastRelease() throws {
        let dir = StoreTempDir()
        let path = dir.file("x.lock")
        let outer = try FileLock.acquire(path: path, what: "x")
        let inner = try FileLock.acquire(path: path, what: "x")
        inner.release()
        #expect(Self.othersCanLock(path) == false)
        outer.release()
        #expect(Self.othersCanLock(path) == true)
    }

    @Test(.enabled(if: ForeignLockHolder.available, "needs flock(1)"))
    func aLoadOrImportWhileAnotherProcessHoldsTheStoreLockIsRefusedAndWritesNothing() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let holder = try ForeignLockHolder(CRMStore.lockPath(for: store.path))
        defer { holder.kill9() }
        let e = try #require(throws: MailroomError.self) {
            try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts))
        }
        #expect(e.status == .locked)
        #expect(e.location == store.path)
        #expect(try store.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") } == 0)
        let i = try #require(throws: MailroomError.self) { try store.importContacts(F.contacts, runId: "i") }
        #expect(i.status == .locked)
    }

    @Test func aLockFileInAMissingFolderIsALocalIOError() throws {
        let dir = StoreTempDir()
        let e = try #require(throws: MailroomError.self) {
            try FileLock.acquire(path: dir.file("missing/x.lock"), what: "x")
        }
        #expect(e.status == .localIO)
    }

    /// Whether another process could take the lock now (`flock -n` exits 0 when it could).
    static func othersCanLock(_ path: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        p.arguments = ["-n", path, "true"]
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
