#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open, read-only file descriptor with positional reads. Closed on deinit. Used by the file sources so
/// that no file is ever read whole: callers read fixed-size windows at explicit offsets.
final class ReadOnlyFile {
    let fd: Int32
    /// The path as given, for error locations.
    let path: String

    /// Opens `path` for reading without following a symlink in its last component when `noFollow` is set.
    /// Throws `FileError` with the `errno` when the file cannot be opened. Opened non-blocking, so that a FIFO
    /// put where a file was listed cannot hang the run: reading it then fails (`ESPIPE`) instead.
    init(path: String, noFollow: Bool = false) throws {
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if noFollow { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        self.fd = fd
        self.path = path
    }

    /// Opens `name` in the directory open as `directory` (never following a symlink in `name`), without
    /// walking the directory's path again. `path` is the full path, for error locations.
    init(directory: Int32, name: String, path: String) throws {
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        self.fd = fd
        self.path = path
    }

    /// Takes over `fd`, an open descriptor of the file at `path` (closed on deinit).
    init(adopting fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` into `buffer` (retrying short reads); returns the bytes read,
    /// fewer than asked only at end of file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads up to `count` bytes at `offset` into `bytes` (replacing its contents, keeping its capacity).
    func readBytes(into bytes: inout [UInt8], count: Int, at offset: Int) throws {
        bytes.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        var got = 0
        bytes.append(contentsOf: repeatElement(0, count: count))
        try bytes.withUnsafeMutableBytes { got = try read(into: $0.baseAddress!, count: count, at: offset) }
        bytes.removeLast(count - got)
    }

    /// The file's size in bytes now.
    func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// The size of what is open, a regular file: anything else (a FIFO, a device put where a message file was
    /// listed) fails with "not a regular file" (as `EINVAL`) instead of being read as a message of 0 bytes.
    func regularSize() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, errno: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw FileError(path: path, errno: EINVAL, detail: "not a regular file")
        }
        return Int(st.st_size)
    }

    /// When the file's status last changed (ctime: contents, mode, links or a rename; not settable by `touch`),
    /// in seconds since 1970.
    func statusChanged() throws -> Double {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, errno: errno) }
        #if canImport(Darwin)
        return Double(st.st_ctimespec.tv_sec) + Double(st.st_ctimespec.tv_nsec) / 1e9
        #else
        return Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
        #endif
    }
}

/// A failed system call on a file, with its `errno`.
struct FileError: Error, CustomStringConvertible {
    var path: String
    var errno: Int32
    /// Said instead of `errno`'s text when set.
    var detail: String? = nil

    var reason: String { detail ?? String(cString: strerror(errno)) }
    var description: String { "\(path): \(reason)" }
}
