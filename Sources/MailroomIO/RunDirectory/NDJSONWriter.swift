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

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        hasher.update(data: buffer)
        try buffer.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOFailure.from(errno: errno, path: url.path, doing: "write")
                }
                off += n
            }
        }
        bytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place.
    @discardableResult
    public func finish() throws -> FileSummary {
        try flush()
        buffer = []  // its megabyte goes back now, not when the writer goes: a stage may finish a file early
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
        if fd >= 0 {
            close(fd)
            fd = -1
            unlink(tempURL.path)
        }
        TempFiles.remove(tempURL.path)
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
