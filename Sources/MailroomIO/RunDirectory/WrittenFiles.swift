import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MailroomCore

/// The files this process wrote into a run directory, or read whole and checked against the manifest, each with
/// the SHA-256 it computed while writing or reading and the file's identity right after (device, inode, size,
/// modification and change times). A later read in the same process of such a file, still with that identity and
/// that hash in the manifest, need not hash it again: any write, truncation or replacement since changes the
/// identity. Every other read hashes the whole file.
final class WrittenFiles: @unchecked Sendable {  // safe: `stamps` is read and written under `lock` only
    struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec
        var sha256: String

        static func == (a: Stamp, b: Stamp) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size && a.sha256 == b.sha256
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    private let lock = NSLock()
    private var stamps: [String: Stamp] = [:]

    /// Remembers `path` as just written with this hash.
    func record(_ path: String, sha256: String) {
        let s = Self.stamp(path, sha256: sha256)
        lock.lock()
        stamps[path] = s
        lock.unlock()
    }

    /// Whether `path` is still exactly the file this process wrote with hash `sha256`.
    func isUnchanged(_ path: String, sha256: String) -> Bool {
        lock.lock()
        let known = stamps[path]
        lock.unlock()
        guard let known, let now = Self.stamp(path, sha256: sha256) else { return false }
        return known == now
    }

    private static func stamp(_ path: String, sha256: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Stamp(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                     modified: st.st_mtim, changed: st.st_ctim, sha256: sha256)
    }
}
