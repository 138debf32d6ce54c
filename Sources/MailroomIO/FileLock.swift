import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file, held with `flock(2)`: the kernel releases it when the holder closes it or dies
/// (`kill -9` included), so a crashed run never leaves a stale lock behind.
///
/// The lock is per process: a second `acquire` of the same path in a process that already holds it succeeds and
/// shares the lock (so `mailroom run` can take the store's lock up front and the loader take it again); the
/// file is unlocked when the last holder releases it. Another process is refused at once.
///
/// The lock file holds one line naming the holder (`pid N since T`) so that a second process can say who has it.
/// The file itself is left in place on release (removing it would let two processes lock two different inodes).
public final class FileLock: @unchecked Sendable {  // safe: `held` is read and written under `registryLock` only
    /// The lock file's path.
    public let path: String
    private var held = true

    private init(path: String) { self.path = path }

    /// Locks held by this process: path → (descriptor, number of holders).
    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: (fd: Int32, holders: Int)] = [:]  // under `registryLock`

    /// Takes the lock at once or throws: `.locked` when another process holds it ("`what`: locked by pid N since
    /// T"), `.localIO` when the lock file cannot be created (read-only location, missing folder).
    /// - Parameters:
    ///   - path: the lock file, e.g. `<store>.lock` or `<run directory>/.lock`.
    ///   - what: what the lock protects, for the error message (a path).
    ///   - now: the time written into the lock file.
    public static func acquire(path: String, what: String, now: Date = Date()) throws -> FileLock {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        registryLock.lock()
        defer { registryLock.unlock() }
        if let entry = registry[key] {
            registry[key] = (entry.fd, entry.holders + 1)
            return FileLock(path: path)
        }
        let fd = PrivateFiles.open(path, O_RDWR | O_CREAT)
        if fd < 0 {
            let e = errno
            throw MailroomError(.localIO, "cannot create the lock file: \(String(cString: strerror(e)))",
                                location: path)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            let holder = readHolder(fd)
            close(fd)
            if e == EWOULDBLOCK || e == EAGAIN {
                let who = holder.isEmpty ? "another process" : holder
                throw MailroomError(.locked, "locked by \(who) (lock file \(path)); wait for it to finish, "
                                    + "or check that it is still running", location: what)
            }
            throw MailroomError(.localIO, "cannot lock: \(String(cString: strerror(e)))", location: path)
        }
        let line = "pid \(getpid()) since \(isoUTC(now))\n"
        _ = ftruncate(fd, 0)
        _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
        registry[key] = (fd, 1)
        return FileLock(path: path)
    }

    /// Releases this hold (also done when the value is deinitialized or the process exits); the file is
    /// unlocked when the process's last hold goes.
    public func release() {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        FileLock.registryLock.lock()
        defer { FileLock.registryLock.unlock() }
        guard held, let entry = FileLock.registry[key] else { return }
        held = false
        if entry.holders > 1 {
            FileLock.registry[key] = (entry.fd, entry.holders - 1)
            return
        }
        FileLock.registry[key] = nil
        _ = ftruncate(entry.fd, 0)
        _ = flock(entry.fd, LOCK_UN)
        close(entry.fd)
    }

    deinit { release() }

    /// The holder line written by `acquire`, without its newline ("" when the file is empty or unreadable).
    private static func readHolder(_ fd: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 200)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 200, 0) }
        guard n > 0 else { return "" }
        let s = String(decoding: buf[0..<n], as: UTF8.self)
        return s.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// ISO 8601 UTC to the second (a fraction is cut off), as `ISO8601DateFormatter` wrote it, without loading
    /// Foundation's ICU data (see `WallClock.timestamp`).
    static func isoUTC(_ d: Date) -> String {
        MailDate.iso(Int64(d.timeIntervalSince1970.rounded(.down)))
    }
}
