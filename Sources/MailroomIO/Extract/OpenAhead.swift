#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// Message files opened a fixed number of files ahead of the one being read, each with the kernel asked to
/// start reading it (`posix_fadvise` WILLNEED): files on a cold disk are otherwise read one small request at
/// a time. The descriptor opened ahead is the one the file is then read through, so each file is opened once.
/// Descriptors not taken are closed on deinit.
final class OpenAhead {
    private var ring: [Int32]

    init(count: Int) { ring = Array(repeating: -1, count: max(1, count)) }

    deinit {
        for fd in ring where fd >= 0 { close(fd) }
    }

    /// Opens file number `k`, `name` in the directory open as `directory`, never following a symlink, and asks
    /// for its `size` bytes to be read in: the whole file, or only its header section when it is over the
    /// message size limit (normalize reads no more of it). A file that cannot be opened is left for `take`;
    /// opened non-blocking, so a FIFO that replaced the listed file cannot hang the scan (its read fails).
    func open(_ k: Int, directory: Int32, name: String, size: Int) {
        let slot = k % ring.count
        if ring[slot] >= 0 { close(ring[slot]) }
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        ring[slot] = fd
        #if canImport(Glibc)
        if fd >= 0 {
            let length = size > MessageLimits().maxMessageBytes ? HeaderSection.cap : 0
            _ = posix_fadvise(fd, 0, off_t(length), POSIX_FADV_WILLNEED)
        }
        #endif
    }

    /// The descriptor opened for file number `k` (the caller closes it), or -1 when it could not be opened.
    func take(_ k: Int) -> Int32 {
        let slot = k % ring.count
        let fd = ring[slot]
        ring[slot] = -1
        return fd
    }
}
