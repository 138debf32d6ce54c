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
/// a time. The descriptor opened ahead is the one the file is then read through, so each file is opened once;
/// its size is asked of that descriptor (`fstat`), so the listing need not `lstat` every name.
/// Descriptors not taken are closed on deinit.
final class OpenAhead {
    /// A file opened ahead: its descriptor and its size when opened; -1, -1 when it could not be opened, sized, or
    /// is no regular file.
    private var ring: [(fd: Int32, size: Int)]

    init(count: Int) { ring = Array(repeating: (-1, -1), count: max(1, count)) }

    deinit {
        for slot in ring where slot.fd >= 0 { close(slot.fd) }
    }

    /// Opens file number `k`, `name` in the directory open as `directory`, never following a symlink, and asks
    /// for it to be read in: the whole file, or only its header section when it is over the message size limit
    /// (normalize reads no more of it). A file that cannot be opened or sized, or is no regular file any more,
    /// is left for `take`; opened non-blocking, so a FIFO that replaced the listed file cannot hang the scan.
    func open(_ k: Int, directory: Int32, name: String) {
        let slot = k % ring.count
        if ring[slot].fd >= 0 { close(ring[slot].fd) }
        ring[slot] = (-1, -1)
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return
        }
        let size = Int(st.st_size)
        ring[slot] = (fd, size)
        #if canImport(Glibc)
        let length = size > MessageLimits().maxMessageBytes ? HeaderSection.cap : 0
        _ = posix_fadvise(fd, 0, off_t(length), POSIX_FADV_WILLNEED)
        #endif
    }

    /// The file opened as number `k` (the caller owns it) and its size, or nil when it was not opened (the caller
    /// opens it again, for the reason).
    func take(_ k: Int, path: String) -> (file: ReadOnlyFile, size: Int)? {
        let slot = k % ring.count
        let (fd, size) = ring[slot]
        ring[slot] = (-1, -1)
        return fd >= 0 ? (ReadOnlyFile(adopting: fd, path: path), size) : nil
    }
}
