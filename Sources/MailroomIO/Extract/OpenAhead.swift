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
/// they run beside it. At most `count` files are open ahead; descriptors not taken are closed by `stop`.
final class OpenAhead {
    /// A file to open: `name` in the directory open as `directory` (`AT_FDCWD` for a path).
    typealias Target = (directory: Int32, name: String)

    private let targets: [Target]
    private let state: State
    private let thread: JoinableThread<Void>?

    /// Starts opening `targets` in order, at most `count` ahead of the last one taken.
    init(_ targets: [Target], count: Int) {
        let state = State(count: max(1, count))
        self.targets = targets
        self.state = state
        thread = targets.isEmpty ? nil : JoinableThread { state.openAll(targets) }
    }

    deinit { stop() }

    /// File number `k` (taken in order: 0, 1, 2, …, each once, by `take` or `skip`; the caller owns it) and its
    /// size; waits until it is open. When it could not be opened ahead, it is opened again here for the reason:
    /// throws that `FileError` (gone, a link, no permission, "not a regular file" for a FIFO or device).
    func take(_ k: Int, path: String) throws -> (file: ReadOnlyFile, size: Int) {
        let (fd, size) = state.take(k)
        if fd >= 0 { return (ReadOnlyFile(adopting: fd, path: path), size) }
        let file = try ReadOnlyFile(directory: targets[k].directory, name: targets[k].name, path: path)
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

    /// Opens `target` never following a symlink, and asks for it to be read in: the whole file, or only its header
    /// section when it is over the message size limit (normalize reads no more of it). Nil when it cannot be opened
    /// or sized or is no regular file; opened non-blocking, so a FIFO that replaced the listed file cannot hang.
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
        let length = size > MessageLimits().maxMessageBytes ? HeaderSection.cap : 0
        _ = posix_fadvise(fd, 0, off_t(length), POSIX_FADV_WILLNEED)
        #endif
        return (fd, size)
    }

    /// The ring the thread fills and the reader empties.
    private final class State: @unchecked Sendable {  // safe: every field is used under `lock` only
        private let lock = NSCondition()
        private var ring: [(fd: Int32, size: Int)]
        private var opened = 0, taken = 0
        private var stopped = false, openerWaits = false, readerWaits = false

        init(count: Int) { ring = Array(repeating: (-1, -1), count: count) }

        /// On the thread: opens each target once there is room. When the ring is full it waits until half of it
        /// is free again, so that a reader slower than the opens wakes it once per half ring, not once per file.
        func openAll(_ targets: [Target]) {
            for (k, target) in targets.enumerated() {
                lock.lock()
                if k - taken >= ring.count {
                    openerWaits = true
                    while !stopped && k - taken > ring.count / 2 { lock.wait() }
                    openerWaits = false
                }
                let stop = stopped
                lock.unlock()
                if stop { return }
                let file = OpenAhead.open(target) ?? (-1, -1)
                lock.lock()
                ring[k % ring.count] = file
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
            taken = k + 1
            if openerWaits && opened - taken <= ring.count / 2 { lock.broadcast() }
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
        }
    }
}
