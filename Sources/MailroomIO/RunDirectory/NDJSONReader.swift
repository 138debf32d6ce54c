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
        let scan = try scanLines(url: url, shown: shown, chunkSize: chunkSize) { line, no in
            try wrappingJSONErrors(line: no, shown) { try body(line, no) }
        }
        try checkComplete(scan, shown)
        return (scan.lines, scan.sha256)
    }

    /// Lines decoded per parallel batch, at most (and about `decodeBatchBytes` bytes of them). Batches are small
    /// because up to `decodeAhead` + 3 of them are alive at once, decoded: at 512 lines and 4 MiB, match's peak
    /// memory at 100k messages grew by 20 MiB; at 64 KiB, by 3 MiB, and no slower.
    static let decodeBatchLines = 512
    static let decodeBatchBytes = 64 << 10
    /// Cores a reader thread decodes on: all but the one the caller's `body` takes. On 2 cores that is the
    /// reader thread alone: handing each batch to a second decoding thread cost more in wake-ups (system time)
    /// than it saved (100k dry run, 4 pairs: CPU ×0.97, system time 0.78 against 0.94 s, wall ×0.99).
    static let readAheadDecodeWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    /// Decoded batches that may wait for the caller's `body` (the memory read ahead is bounded by this many
    /// batches, plus the one `body` is at and the one being decoded). With 2, the reader and `body` waited on
    /// each other every few batches; 8 (about 2 MiB more at most) let them run on (match stage alone at 100k,
    /// 5 pairs: wall x0.95; 100k dry run, 4 pairs: wall x0.95, CPU x0.98).
    static let decodeAhead = 8

    /// Decodes every line as `R` and calls `body` with each record in file order. Lines are decoded in batches
    /// on all cores (decoding is most of the cost of reading); `body` runs on the calling thread, in order. A
    /// line that does not decode stops the read after `body` has seen every line before it, as a
    /// one-line-at-a-time read would.
    @discardableResult
    public static func forEach<R: JSONRecord>(_: R.Type, url: URL, displayPath: String? = nil,
                                              chunkSize: Int = defaultChunkSize,
                                              _ body: (R, Int) throws -> Void) throws -> (lines: Int, sha256: String) {
        try forEach(R.self, url: url, displayPath: displayPath, chunkSize: chunkSize) { r, _, no in try body(r, no) }
    }

    /// Lines of the file with their records, decoded ahead of the caller: `bytes[ranges[k]]` is line
    /// `firstLine + k`, `records[k]` what it decoded to.
    private struct DecodedBatch<R> {
        var bytes: [UInt8]
        var ranges: [Range<Int>]
        var records: [Result<R, Error>]
        var firstLine: Int
    }

    /// The same, also giving `body` the line's bytes (valid only during the call). Without `hashing` the
    /// returned SHA-256 is empty.
    ///
    /// With `readAhead`, the file is read, hashed and decoded on a reader thread, up to `decodeAhead` batches
    /// ahead of `body`, so that a caller whose `body` takes one core (match's passes, dedupe, the report) is not
    /// also the one that reads: `body` sees the same records, lines and errors in the same order as a read on
    /// its own thread would give them. When `body` throws, the reader is stopped and waited for before the error
    /// is rethrown. Batches `body` is done with are freed on the reader thread. Without it (a caller that is
    /// itself a reader thread, as the store load's prefetch), everything happens on the calling thread.
    /// `decodingOnEveryCore`: the reader decodes on every core, not all but `body`'s, for a `body` that leaves its
    /// core mostly idle (dedupe's second pass, which copies lines out).
    @discardableResult
    public static func forEach<R: JSONRecord>(_: R.Type, url: URL, displayPath: String? = nil,
                                              chunkSize: Int = defaultChunkSize, hashing: Bool = true,
                                              readAhead: Bool = true, decodingOnEveryCore: Bool = false,
                                              _ body: (R, UnsafeRawBufferPointer, Int) throws -> Void) throws -> (lines: Int, sha256: String) {
        let shown = displayPath ?? url.path
        func consume(_ batch: DecodedBatch<R>) throws {
            try batch.bytes.withUnsafeBytes { raw in
                for (k, record) in batch.records.enumerated() {
                    let no = batch.firstLine + k
                    let line = UnsafeRawBufferPointer(rebasing: raw[batch.ranges[k]])
                    try wrappingJSONErrors(line: no, shown) { try body(record.get(), line, no) }
                }
            }
        }
        let scan: Scan
        if readAhead {
            let channel = BatchChannel<DecodedBatch<R>>(capacity: decodeAhead)
            let reader = JoinableThread<Scan> {
                do {
                    let workers = decodingOnEveryCore ? ProcessInfo.processInfo.activeProcessorCount : readAheadDecodeWorkers
                    let scan = try readDecoded(R.self, url: url, shown: shown, chunkSize: chunkSize, hashing: hashing,
                                               workers: workers) {
                        try channel.send([$0]).flatMap { $0 }
                    }
                    channel.finish()
                    return scan
                } catch {
                    channel.finish(error: error)
                    throw error
                }
            }
            defer {
                channel.cancel()
                reader.waitIgnoringResult()
            }
            while let batches = try channel.receive() {
                for batch in batches { try consume(batch) }
                channel.giveBack(batches)
            }
            scan = try reader.wait()
        } else {
            scan = try readDecoded(R.self, url: url, shown: shown, chunkSize: chunkSize, hashing: hashing,
                                   workers: ProcessInfo.processInfo.activeProcessorCount) { batch in
                try consume(batch)
                return [batch]
            }
        }
        try checkComplete(scan, shown)
        return (scan.lines, scan.sha256)
    }

    /// Reads the file in batches of whole lines and decodes each batch on `workers` cores (this thread among
    /// them), handing each to `send` in file order. `send` returns the batches their consumer is done with: the
    /// next batches reuse their line buffers (allocated anew for each batch, these buffers made 37% of a 100k
    /// run's page faults once glibc maps large blocks on their own, see `HeapTrim.configureAllocator`; a batch
    /// also ends before a line that would grow its buffer, see `endsBatch`), and their records are freed here.
    private static func readDecoded<R: JSONRecord>(_: R.Type, url: URL, shown: String, chunkSize: Int,
                                                   hashing: Bool, workers: Int,
                                                   send: (DecodedBatch<R>) throws -> [DecodedBatch<R>]) throws -> Scan {
        let decoder = ParallelBatchMapper<Void, Range<Int>, Result<R, Error>>(workers: workers, makeContext: {})
        let keys = R.decodedKeys.map(JSONKeys.init)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var spares: [(bytes: [UInt8], ranges: [Range<Int>])] = []
        var firstLine = 1
        func drain() throws {
            guard !ranges.isEmpty else { return }
            let records = try bytes.withUnsafeBufferPointer { buf in
                try decoder.map(ranges) { _, r in
                    Result {
                        let line = UnsafeBufferPointer(rebasing: buf[r])
                        return try R.decodeLine(line, keys: keys)
                    }
                }
            }
            let count = ranges.count
            let batch = DecodedBatch(bytes: bytes, ranges: ranges, records: records, firstLine: firstLine)
            (bytes, ranges) = ([], [])  // the batch holds the buffers alone
            // The records of the batches given back are freed here; the buffers of two are kept (one a batch is
            // given back at a time, mostly), unless a long line grew them past a batch's usual size: such a
            // buffer is freed rather than held for the rest of the file.
            for done in try send(batch) where spares.count < 2 && keepsBuffer(capacity: done.bytes.capacity) {
                spares.append((done.bytes, done.ranges))
            }
            firstLine += count
            if let spare = spares.popLast() {
                (bytes, ranges) = spare
                // In place, unless the consumer still held the batch as it gave it back (then a copy is made).
                bytes.removeAll(keepingCapacity: true)
                ranges.removeAll(keepingCapacity: true)
            } else {
                bytes.reserveCapacity(decodeBatchBytes)
                ranges.reserveCapacity(decodeBatchLines)
            }
        }
        bytes.reserveCapacity(decodeBatchBytes)
        ranges.reserveCapacity(decodeBatchLines)
        let scan = try scanLines(url: url, shown: shown, chunkSize: chunkSize, hashing: hashing) { line, _ in
            if endsBatch(before: line.count, buffered: bytes.count, capacity: bytes.capacity) { try drain() }
            let start = bytes.count
            bytes.append(contentsOf: line)
            ranges.append(start..<bytes.count)
            if ranges.count >= decodeBatchLines || bytes.count >= decodeBatchBytes { try drain() }
        }
        try drain()
        return scan
    }

    /// Whether the batch being filled ends before a line of `lineBytes`: when the line would not fit in the
    /// buffer's capacity (at least `decodeBatchBytes`) and the batch has lines. A buffer then keeps the size it
    /// was reserved at, under glibc's mapping threshold (`HeapTrim.configureAllocator`), instead of doubling
    /// past it at a batch's last line: such a block is mapped anew for every batch the reader cannot reuse, and
    /// its pages fault in each time (55% of a 100k dry run's page faults while buffers grew). Only a line
    /// longer than a whole batch grows one.
    static func endsBatch(before lineBytes: Int, buffered: Int, capacity: Int) -> Bool {
        buffered > 0 && buffered + lineBytes > max(capacity, decodeBatchBytes)
    }

    /// Whether the reader keeps a given-back batch's line buffer for its next batches: only one of a batch's usual
    /// size (`decodeBatchBytes`, or up to twice that as the allocator rounds it), not one a line longer than a batch
    /// grew.
    static func keepsBuffer(capacity: Int) -> Bool {
        capacity <= 2 * decodeBatchBytes
    }

    private struct Scan {
        var lines: Int
        var sha256: String
        /// Bytes after the last newline (a line cut short).
        var incomplete: Bool
    }

    /// Calls `body` with each complete line; reports (does not throw for) a last line without its newline, so
    /// that callers finish the lines before it first.
    private static func scanLines(url: URL, shown: String, chunkSize: Int, hashing: Bool = true,
                                  _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws -> Scan {
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
                if hashing { hasher.update(bufferPointer: buf) }
                var start = 0
                while start < n, let p = memchr(buf.baseAddress! + start, 0x0A, n - start) {
                    let nl = UnsafeRawPointer(p) - buf.baseAddress!
                    lineNo += 1
                    if carry.isEmpty {
                        try body(UnsafeRawBufferPointer(rebasing: buf[start..<nl]), lineNo)
                    } else {
                        carry.append(contentsOf: buf[start..<nl])
                        try carry.withUnsafeBytes { try body($0, lineNo) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = nl + 1
                }
                if start < n { carry.append(contentsOf: buf[start..<n]) }
            }
        }
        return Scan(lines: lineNo, sha256: hashing ? hex(hasher.finalize()) : "", incomplete: !carry.isEmpty)
    }

    private static func checkComplete(_ scan: Scan, _ shown: String) throws {
        if scan.incomplete {
            throw MailroomError(.input, "line \(scan.lines + 1) has no newline: the file is incomplete (was a stage interrupted?); rerun the stage that writes it", location: shown)
        }
    }

    private static func wrappingJSONErrors(line no: Int, _ shown: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as JSONError {
            throw MailroomError(.input, "line \(no): not a valid record: \(e)", location: shown)
        }
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
