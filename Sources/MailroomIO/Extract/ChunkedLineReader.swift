#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line through one fixed-size buffer of `chunkSize` bytes. A line may be longer than the
/// buffer: only its first `maxHead` bytes are kept (`head`), which is all the mbox splitter needs to recognise
/// From_ lines, quoted lines and the headers it reads. Memory is `chunkSize + maxHead` whatever the file's size.
///
/// Most lines of an mbox are body text that the splitter only needs the length of: `head` is kept only for a line
/// that starts with a byte `keepsHead` flags, or for every line while `keepAllHeads` is set. `firstByte` is every
/// line's first content byte.
final class ChunkedLineReader {
    /// One line: where it starts, how long it is with its terminator, and its first bytes.
    struct Line {
        var start = 0
        /// Bytes including the terminator.
        var length = 0
        /// 0 (last line without newline), 1 (`\n`) or 2 (`\r\n`).
        var terminatorLength = 0
        /// Content bytes before the terminator.
        var contentLength: Int { length - terminatorLength }
        var end: Int { start + length }
        var isBlank: Bool { contentLength == 0 }
    }

    let file: ReadOnlyFile
    let chunkSize: Int
    let maxHead: Int
    private let buffer: UnsafeMutableRawBufferPointer
    /// File offset of `buffer[0]`.
    private var bufferStart = 0
    private var bufferCount = 0
    private var position = 0
    /// The current line (valid after `nextLine()` returned true).
    private(set) var line = Line()
    /// The first `maxHead` content bytes of the current line (without the `\r` of a `\r\n`) when it was kept (see
    /// `keepsHead`), else empty.
    private(set) var head: [UInt8] = []
    /// The current line's first byte; 0 when the line is blank (its terminator is not content).
    private(set) var firstByte: UInt8 = 0
    /// First bytes whose lines keep their `head`: 256 flags, indexed by the byte.
    var keepsHead = [Bool](repeating: false, count: 256)
    /// Every line keeps its `head` while this is set.
    var keepAllHeads = true
    /// The bytes of the lines read since `startCapture` (terminators included), at most its `limit` bytes.
    private(set) var captured: [UInt8] = []
    private var captureRoom = 0

    init(file: ReadOnlyFile, chunkSize: Int, maxHead: Int = 512) {
        self.file = file
        self.chunkSize = max(1, chunkSize)
        self.maxHead = maxHead
        buffer = .allocate(byteCount: self.chunkSize, alignment: 1)
        head.reserveCapacity(maxHead + 1)
    }

    /// The 256 flags of `keepsHead` that keep the lines starting with one of `bytes`.
    static func flags(_ bytes: [UInt8]) -> [Bool] {
        var t = [Bool](repeating: false, count: 256)
        for b in bytes { t[Int(b)] = true }
        return t
    }

    deinit { buffer.deallocate() }

    /// From the next line on, keeps the bytes of the lines read in `captured`, up to `limit` bytes in all (until
    /// `stopCapture`).
    func startCapture(limit: Int) {
        captured.removeAll(keepingCapacity: true)
        captureRoom = max(0, limit)
    }

    func stopCapture() { captureRoom = 0 }

    /// Shortens `captured` to its first `count` bytes.
    func truncateCaptured(to count: Int) {
        if captured.count > count { captured.removeLast(captured.count - count) }
    }

    /// Continues reading at `offset` (the next line starts there).
    func seek(to offset: Int) {
        captureRoom = 0
        bufferStart = offset
        bufferCount = 0
        position = 0
    }

    /// Reads the next line into `line`, `firstByte` and (when kept) `head`; false at end of file.
    func nextLine() throws -> Bool {
        if !head.isEmpty { head.removeAll(keepingCapacity: true) }
        var length = 0
        var last: UInt8 = 0
        var keep = false
        let start = bufferStart + position
        while true {
            if position == bufferCount {
                bufferStart += bufferCount
                position = 0
                bufferCount = try file.read(into: buffer.baseAddress!, count: chunkSize, at: bufferStart)
                if bufferCount == 0 {
                    guard length > 0 else { return false }
                    finish(start: start, length: length, terminator: 0, keep: keep)
                    return true
                }
            }
            let base = buffer.baseAddress! + position
            let available = bufferCount - position
            if length == 0 {
                let b = base.load(as: UInt8.self)
                firstByte = b
                keep = keepAllHeads || keepsHead[Int(b)]
            }
            if let nl = memchr(base, 0x0A, available) {
                let n = UnsafeRawPointer(nl) - UnsafeRawPointer(base)
                if keep { appendHead(base, n) }
                if captureRoom > 0 { capture(base, n + 1) }
                if n > 0 { last = base.load(fromByteOffset: n - 1, as: UInt8.self) }
                length += n + 1
                position += n + 1
                finish(start: start, length: length, terminator: last == 0x0D ? 2 : 1, keep: keep)
                return true
            }
            if keep { appendHead(base, available) }
            if captureRoom > 0 { capture(base, available) }
            last = base.load(fromByteOffset: available - 1, as: UInt8.self)
            length += available
            position = bufferCount
        }
    }

    /// Moves past the whole lines already in the buffer whose first byte `stops` does not flag and is not a line
    /// break (so none of them is blank), as `nextLine()` would read them one by one and a caller would pass them
    /// by; `line` and `firstByte` become the last one's (without a `head`). Never captures, never reads the file:
    /// a line the buffer does not end is left to `nextLine()`. True when it passed any line.
    func skipLines(unlessFirstByteIn stops: [Bool]) -> Bool {
        guard captureRoom == 0, !keepAllHeads, position < bufferCount else { return false }
        let base = UnsafeRawPointer(buffer.baseAddress!)
        var last = -1, end = position
        while end < bufferCount {
            let b = base.load(fromByteOffset: end, as: UInt8.self)
            if b == 0x0A || b == 0x0D || stops[Int(b)] { break }
            guard let nl = memchr(base + end, 0x0A, bufferCount - end) else { break }
            last = end
            end = UnsafeRawPointer(nl) - base + 1
        }
        guard last >= 0 else { return false }
        position = end
        let terminator = end - last >= 2 && base.load(fromByteOffset: end - 2, as: UInt8.self) == 0x0D ? 2 : 1
        line = Line(start: bufferStart + last, length: end - last, terminatorLength: terminator)
        firstByte = base.load(fromByteOffset: last, as: UInt8.self)
        if !head.isEmpty { head.removeAll(keepingCapacity: true) }
        return true
    }

    private func capture(_ p: UnsafeMutableRawPointer, _ n: Int) {
        let k = min(n, captureRoom)
        captured.append(contentsOf: UnsafeRawBufferPointer(start: p, count: k))
        captureRoom -= k
    }

    private func appendHead(_ p: UnsafeMutableRawPointer, _ n: Int) {
        // One byte beyond maxHead is kept so that a trailing `\r` can be told apart and dropped.
        let room = maxHead + 1 - head.count
        guard room > 0, n > 0 else { return }
        head.append(contentsOf: UnsafeRawBufferPointer(start: p, count: min(room, n)))
    }

    private func finish(start: Int, length: Int, terminator: Int, keep: Bool) {
        line = Line(start: start, length: length, terminatorLength: terminator)
        let content = length - terminator
        if content == 0 { firstByte = 0 }
        guard keep else { return }
        if head.count > content { head.removeLast(head.count - content) }
        if head.count > maxHead { head.removeLast(head.count - maxHead) }
    }
}
