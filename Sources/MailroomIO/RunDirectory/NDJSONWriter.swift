import Crypto
import Foundation
import MailroomCore

/// Writes one NDJSON file atomically: lines go to a temporary file beside the target, which is synced and
/// renamed over the target by `finish()`. Until then readers see the previous complete file, or none.
public final class NDJSONWriter {
    public let url: URL
    private let tempURL: URL
    private let relativePath: String
    private let schema: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private var lines = 0
    private var bytes = 0
    private var writer = JSONWriter(reserving: 4096)
    /// Called with the file's summary once it is in place.
    var onFinish: ((FileSummary) -> Void)?
    /// Set by `flushInBackground()`: full buffers are hashed and written on a thread of its own.
    private var flusher: BackgroundFlush?
    private static let flushThreshold = 1 << 20

    /// - Parameters:
    ///   - url: the final file.
    ///   - relativePath: how the manifest names it (relative to the run directory).
    public init(url: URL, relativePath: String, schema: String) throws {
        self.url = url
        self.relativePath = relativePath
        self.schema = schema
        tempURL = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        fd = PrivateFiles.open(tempURL.path, O_WRONLY | O_CREAT | O_TRUNC)
        if fd < 0 { throw IOFailure.from(errno: errno, path: tempURL.path, doing: "create") }
        TempFiles.add(tempURL.path)
        buffer.reserveCapacity(NDJSONWriter.flushThreshold + 65536)
    }

    deinit {
        stopFlusher()
        if fd >= 0 {
            close(fd)
            unlink(tempURL.path)
        }
        TempFiles.remove(tempURL.path)
    }

    public func write(_ record: some JSONRecord) throws {
        writer.reset()
        record.writeJSON(&writer)
        try writeLine(writer.bytes)
    }

    /// Appends one pre-encoded JSON line (without its newline).
    public func writeLine(_ line: [UInt8]) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= NDJSONWriter.flushThreshold { try flush() }
    }

    /// From now on each full buffer is hashed and written on a thread of its own while the caller fills the next
    /// (at most one more waits): for a writer whose caller is the busy thread of its stage (dedupe's messages).
    /// The file, its hash and its errors are the same; an error comes from a later `writeLine` or `finish`.
    func flushInBackground() {
        guard flusher == nil else { return }
        flusher = BackgroundFlush(fd: fd, path: url.path)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        if let flusher {
            let full = buffer
            buffer = []
            buffer.reserveCapacity(NDJSONWriter.flushThreshold + 65536)
            try flusher.send(full)
            return
        }
        hasher.update(data: buffer)
        try Self.writeAll(fd, buffer, path: url.path)
        bytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOFailure.from(errno: errno, path: path, doing: "write")
                }
                off += n
            }
        }
    }

    /// Lets the flusher write what it was sent and stop (the file is being dropped).
    private func stopFlusher() {
        flusher?.stop()
        flusher = nil
    }

    /// Flushes, syncs and renames the file into place.
    @discardableResult
    public func finish() throws -> FileSummary {
        try flush()
        if let flusher {
            (hasher, bytes) = try flusher.finish()
            self.flusher = nil
        }
        if fsync(fd) != 0 { throw IOFailure.from(errno: errno, path: url.path, doing: "sync") }
        close(fd)
        fd = -1
        defer { TempFiles.remove(tempURL.path) }
        if rename(tempURL.path, url.path) != 0 {
            let e = errno
            unlink(tempURL.path)
            throw IOFailure.from(errno: e, path: url.path, doing: "rename into place")
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let summary = FileSummary(file: relativePath, schema: schema, lines: lines, bytes: bytes, sha256: digest)
        onFinish?(summary)
        return summary
    }

    /// Drops the temporary file without touching the target.
    public func abandon() {
        stopFlusher()
        if fd >= 0 {
            close(fd)
            fd = -1
            unlink(tempURL.path)
        }
        TempFiles.remove(tempURL.path)
    }
}

/// The thread of `NDJSONWriter.flushInBackground()`: hashes and writes the buffers it is sent, in order.
private final class BackgroundFlush {
    private let channel = BatchChannel<UInt8>(capacity: 1)
    private let thread: JoinableThread<(SHA256, Int)>

    init(fd: Int32, path: String) {
        let channel = self.channel
        thread = JoinableThread {
            var hasher = SHA256()
            var bytes = 0
            do {
                while let chunk = try channel.receive() {
                    hasher.update(data: chunk)
                    try NDJSONWriter.writeAll(fd, chunk, path: path)
                    bytes += chunk.count
                }
            } catch {
                channel.cancel()  // the next `send` throws: the writer then takes this error from `wait`
                throw error
            }
            return (hasher, bytes)
        }
    }

    func send(_ chunk: [UInt8]) throws {
        do {
            try channel.send(chunk)
        } catch {
            _ = try thread.wait()  // the thread's own error, when it stopped on one
            throw error
        }
    }

    /// Waits for everything sent to be written: the hash and byte count of it all.
    func finish() throws -> (SHA256, Int) {
        channel.finish()
        return try thread.wait()
    }

    func stop() {
        channel.finish()
        thread.waitIgnoringResult()
    }
}

/// Local I/O failures as run errors with the right exit code and a line that names the path.
public enum IOFailure {
    public static func from(errno e: Int32, path: String, doing: String) -> MailroomError {
        let reason = String(cString: strerror(e))
        switch e {
        case ENOSPC, EDQUOT:
            return MailroomError(.localIO, "disk full: could not \(doing) (\(reason)); free space and rerun: nothing committed is lost", location: path)
        case EROFS, EACCES, EPERM:
            return MailroomError(.localIO, "cannot \(doing): \(reason) (read-only or no permission)", location: path)
        case ENOENT:
            return MailroomError(.input, "cannot \(doing): no such file or directory", location: path)
        default:
            return MailroomError(.localIO, "cannot \(doing): \(reason)", location: path)
        }
    }
}
