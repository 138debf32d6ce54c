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
    /// The first `maxHead` content bytes of the current line (without the `\r` of a `\r\n`).
    private(set) var head: [UInt8] = []

    init(file: ReadOnlyFile, chunkSize: Int, maxHead: Int = 512) {
        self.file = file
        self.chunkSize = max(1, chunkSize)
        self.maxHead = maxHead
        buffer = .allocate(byteCount: self.chunkSize, alignment: 1)
        head.reserveCapacity(maxHead + 1)
    }

    deinit { buffer.deallocate() }

    /// Continues reading at `offset` (the next line starts there).
    func seek(to offset: Int) {
        bufferStart = offset
        bufferCount = 0
        position = 0
    }

    /// Reads the next line into `line` and `head`; false at end of file.
    func nextLine() throws -> Bool {
        head.removeAll(keepingCapacity: true)
        var length = 0
        var last: UInt8 = 0
        let start = bufferStart + position
        while true {
            if position == bufferCount {
                bufferStart += bufferCount
                position = 0
                bufferCount = try file.read(into: buffer.baseAddress!, count: chunkSize, at: bufferStart)
                if bufferCount == 0 {
                    guard length > 0 else { return false }
                    finish(start: start, length: length, terminator: 0)
                    return true
                }
            }
            let base = buffer.baseAddress! + position
            let available = bufferCount - position
            if let nl = memchr(base, 0x0A, available) {
                let n = UnsafeRawPointer(nl) - UnsafeRawPointer(base)
                appendHead(base, n)
                if n > 0 { last = base.load(fromByteOffset: n - 1, as: UInt8.self) }
                length += n + 1
                position += n + 1
                finish(start: start, length: length, terminator: last == 0x0D ? 2 : 1)
                return true
            }
            appendHead(base, available)
            last = base.load(fromByteOffset: available - 1, as: UInt8.self)
            length += available
            position = bufferCount
        }
    }

    private func appendHead(_ p: UnsafeMutableRawPointer, _ n: Int) {
        // One byte beyond maxHead is kept so that a trailing `\r` can be told apart and dropped.
        let room = maxHead + 1 - head.count
        guard room > 0, n > 0 else { return }
        head.append(contentsOf: UnsafeRawBufferPointer(start: p, count: min(room, n)))
    }

    private func finish(start: Int, length: Int, terminator: Int) {
        line = Line(start: start, length: length, terminatorLength: terminator)
        let content = length - terminator
        if head.count > content { head.removeLast(head.count - content) }
        if head.count > maxHead { head.removeLast(head.count - maxHead) }
    }
}
