import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file, held with `flock(2)`: the kernel releases it when the holder closes it or dies
/// (`kill -9` included), so a crashed run never leaves a stale lock behind.
///
/// The lock file holds one line naming the holder (`pid N since T`) so that a second process can say who has it.
/// The file itself is left in place on release (removing it would let two processes lock two different inodes).
public final class FileLock: @unchecked Sendable {
    /// The lock file's path.
    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock at once or throws: `.locked` when another process holds it ("`what` is locked by pid N since
    /// T"), `.localIO` when the lock file cannot be created (read-only location, missing folder).
    /// - Parameters:
    ///   - path: the lock file, e.g. `<store>.lock` or `<run directory>/.lock`.
    ///   - what: what the lock protects, for the error message (a path).
    ///   - now: the time written into the lock file.
    public static func acquire(path: String, what: String, now: Date = Date()) throws -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
        return FileLock(path: path, fd: fd)
    }

    /// Releases the lock (also done when the value is deinitialized or the process exits).
    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
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

    static func isoUTC(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }
}
