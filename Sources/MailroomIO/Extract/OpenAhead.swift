#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MailroomCore

/// Message files opened ahead of the one being read, on a thread of their own, each sized by its descriptor
/// (`fstat`) and with the kernel asked to start reading it (`posix_fadvise` WILLNEED): files on a cold disk are
/// otherwise read one small request at a time. The descriptor opened ahead is the one the file is then read
/// through, so each file is opened once. On a cold disk the open (the name's lookup, the inode's read) and the
/// advice (each file's read request handed to the disk) were most of extract's thread's time; on this thread
/// they run beside it. At most `count` files are open ahead, holding at most `bytes` of advised reads (always at
/// least one file); descriptors not taken are closed by `stop`.
final class OpenAhead {
    /// A file to open: `name` in the directory open as `directory` (`AT_FDCWD` for a path).
    typealias Target = (directory: Int32, name: String)

    private let target: @Sendable (Int) -> Target
    private let state: State
    private let thread: JoinableThread<Void>?

    /// The advised bytes of the files open ahead, at most (`init`'s `bytes`): a run of large messages holds
    /// this much of the page cache for reads not yet made, not `count` times the message size limit.
    static let defaultBytes = 32 << 20

    /// Starts opening targets 0, 1, …, `n` - 1 in order, at most `ahead` files and `bytes` of advised reads ahead
    /// of the last one taken. `target` names each when it is opened (on the thread): a long folder's paths are
    /// not all made and held at once.
    init(count n: Int, ahead: Int, bytes: Int = OpenAhead.defaultBytes, target: @escaping @Sendable (Int) -> Target) {
        let state = State(count: max(1, ahead), maxBytes: max(1, bytes))
        self.target = target
        self.state = state
        thread = n == 0 ? nil : JoinableThread { state.openAll(n, target) }
    }

    deinit { stop() }

    /// File number `k` (taken in order: 0, 1, 2, …, each once, by `take` or `skip`; the caller owns it) and its
    /// size; waits until it is open. When it could not be opened ahead, it is opened again here for the reason:
    /// throws that `FileError` (gone, a link, no permission, "not a regular file" for a FIFO or device).
    func take(_ k: Int, path: String) throws -> (file: ReadOnlyFile, size: Int) {
        let (fd, size) = state.take(k)
        if fd >= 0 { return (ReadOnlyFile(adopting: fd, path: path), size) }
        let t = target(k)
        let file = try ReadOnlyFile(directory: t.directory, name: t.name, path: path)
        return (file, try file.regularSize())
    }

    /// Passes over file number `k` (closing it when it was opened).
    func skip(_ k: Int) {
        let (fd, _) = state.take(k)
        if fd >= 0 { close(fd) }
    }

    /// Stops the thread and closes what it opened that was not taken. Called again, it does nothing.
    func stop() {
        state.stop()
        thread?.waitIgnoringResult()
        state.closeUntaken()
    }

    /// The files opened and not yet taken, and their advised bytes (for tests).
    var ahead: (files: Int, bytes: Int) { state.ahead }

    /// The bytes of a file of `size` bytes that `open` asks the kernel to read: the whole file, or only its header
    /// section when it is over the message size limit (normalize reads no more of it).
    static func advisedBytes(size: Int) -> Int {
        size > MessageLimits().maxMessageBytes ? min(size, HeaderSection.cap) : size
    }

    /// Opens `target` never following a symlink, and asks for it to be read in (`advisedBytes`). Nil when it
    /// cannot be opened or sized or is no regular file; opened non-blocking, so a FIFO that replaced the listed
    /// file cannot hang.
    static func open(_ target: Target) -> (fd: Int32, size: Int)? {
        let fd = openat(target.directory, target.name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        let size = Int(st.st_size)
        #if canImport(Glibc)
        _ = posix_fadvise(fd, 0, off_t(advisedBytes(size: size)), POSIX_FADV_WILLNEED)
        #endif
        return (fd, size)
    }

    /// The ring the thread fills and the reader empties.
    private final class State: @unchecked Sendable {  // safe: every field is used under `lock` only
        private let lock = NSCondition()
        private var ring: [(fd: Int32, size: Int)]
        private let maxBytes: Int
        /// The advised bytes of the files opened and not taken.
        private var bytesAhead = 0
        private var opened = 0, taken = 0
        private var stopped = false, openerWaits = false, readerWaits = false

        init(count: Int, maxBytes: Int) {
            ring = Array(repeating: (-1, -1), count: count)
            self.maxBytes = maxBytes
        }

        var ahead: (files: Int, bytes: Int) {
            lock.lock()
            defer { lock.unlock() }
            return (opened - taken, bytesAhead)
        }

        /// Whether the opener, about to open file number `opened`, has room again after waiting: half the ring
        /// free and at most half the bytes ahead (or nothing ahead).
        private var openerHasRoom: Bool {
            opened - taken <= ring.count / 2 && (opened == taken || bytesAhead <= maxBytes / 2)
        }

        /// On the thread: opens each target once there is room. When the ring is full, or the files ahead hold
        /// `maxBytes`, it waits until half of each is free again, so that a reader slower than the opens wakes it
        /// once per half ring, not once per file.
        func openAll(_ n: Int, _ target: (Int) -> Target) {
            for k in 0..<n {
                lock.lock()
                if k - taken >= ring.count || (k > taken && bytesAhead >= maxBytes) {
                    openerWaits = true
                    while !stopped && !openerHasRoom { lock.wait() }
                    openerWaits = false
                }
                let stop = stopped
                lock.unlock()
                if stop { return }
                let file = OpenAhead.open(target(k)) ?? (-1, -1)
                lock.lock()
                ring[k % ring.count] = file
                if file.fd >= 0 { bytesAhead += OpenAhead.advisedBytes(size: file.size) }
                opened = k + 1
                if readerWaits { lock.broadcast() }
                lock.unlock()
            }
        }

        func take(_ k: Int) -> (fd: Int32, size: Int) {
            lock.lock()
            defer { lock.unlock() }
            precondition(k == taken, "files are taken in order")
            readerWaits = true
            while opened <= k && !stopped { lock.wait() }
            readerWaits = false
            guard opened > k else { return (-1, -1) }
            let file = ring[k % ring.count]
            ring[k % ring.count] = (-1, -1)
            if file.fd >= 0 { bytesAhead -= OpenAhead.advisedBytes(size: file.size) }
            taken = k + 1
            if openerWaits && openerHasRoom { lock.broadcast() }
            return file
        }

        func stop() {
            lock.lock()
            stopped = true
            lock.broadcast()
            lock.unlock()
        }

        /// After the thread ended: closes the files opened and not taken.
        func closeUntaken() {
            lock.lock()
            defer { lock.unlock() }
            for k in taken..<opened where ring[k % ring.count].fd >= 0 {
                close(ring[k % ring.count].fd)
                ring[k % ring.count] = (-1, -1)
            }
            taken = opened
            bytesAhead = 0
        }
    }
}
