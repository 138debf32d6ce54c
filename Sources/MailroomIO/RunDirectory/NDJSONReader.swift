import Crypto
import Foundation
import MailroomCore

/// Reads NDJSON files line by line with a fixed-size buffer (memory does not grow with the file), naming the file
/// and line of anything it cannot read. A last line without its newline means the file was cut short.
public enum NDJSONReader {
    public static let defaultChunkSize = 1 << 20

    /// Calls `body` with each line's bytes (without the newline) and its 1-based number. Returns the line count
    /// and the file's SHA-256 (hex), so callers can check it against the manifest.
    @discardableResult
    public static func forEachLine(url: URL, displayPath: String? = nil, chunkSize: Int = defaultChunkSize,
                                   _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws -> (lines: Int, sha256: String) {
        let shown = displayPath ?? url.path
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT {
                throw MailroomError(.input, "missing: run the stage that writes it first", location: shown)
            }
            throw IOFailure.from(errno: errno, path: shown, doing: "open")
        }
        defer { close(fd) }
        var hasher = SHA256()
        let size = max(chunkSize, 1)
        var chunk = [UInt8](repeating: 0, count: size)
        var carry: [UInt8] = []
        var lineNo = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, size) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure.from(errno: errno, path: shown, doing: "read")
            }
            if n == 0 { break }
            try chunk.withUnsafeBytes { raw in
                let buf = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                hasher.update(bufferPointer: buf)
                var start = 0
                while let nl = buf[start...].firstIndex(of: 0x0A) {
                    lineNo += 1
                    if carry.isEmpty {
                        try call(body, UnsafeRawBufferPointer(rebasing: buf[start..<nl]), lineNo, shown)
                    } else {
                        carry.append(contentsOf: buf[start..<nl])
                        try carry.withUnsafeBytes { try call(body, $0, lineNo, shown) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = nl + 1
                }
                if start < n { carry.append(contentsOf: buf[start..<n]) }
            }
        }
        if !carry.isEmpty {
            throw MailroomError(.input, "line \(lineNo + 1) has no newline: the file is incomplete (was a stage interrupted?); rerun the stage that writes it", location: shown)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (lineNo, digest)
    }

    private static func call(_ body: (UnsafeRawBufferPointer, Int) throws -> Void, _ line: UnsafeRawBufferPointer,
                             _ no: Int, _ shown: String) throws {
        do {
            try body(line, no)
        } catch let e as JSONError {
            throw MailroomError(.input, "line \(no): not a valid record: \(e)", location: shown)
        }
    }

    /// Decodes every line as `R`.
    @discardableResult
    public static func forEach<R: JSONRecord>(_: R.Type, url: URL, displayPath: String? = nil,
                                              chunkSize: Int = defaultChunkSize,
                                              _ body: (R, Int) throws -> Void) throws -> (lines: Int, sha256: String) {
        try forEachLine(url: url, displayPath: displayPath, chunkSize: chunkSize) { line, no in
            let value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            try body(try R(json: value), no)
        }
    }
}
