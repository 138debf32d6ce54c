/// Splits one mbox file into messages, streaming: it reads lines through a `ChunkedLineReader` (one fixed-size
/// buffer) and yields each message's byte range as soon as the next separator or the end of the file is seen.
///
/// - Separators are From_ lines as `MboxFromLine` classifies them; the first `From ` line of the file always
///   is one (after an optional UTF-8 BOM and blank lines).
/// - A message's range starts after its From_ line and ends before the next separator, without the one blank
///   line that precedes the separator (or ends the file), as Python's `mailbox.mbox` does.
/// - mboxcl2: when the header section has `Content-Length: N` and the body's N bytes end exactly at the end of
///   the file or at the next `From ` line (directly, or after one line break), the length is trusted and the
///   body is not searched for separators: unquoted `From ` body lines stay in the body.
/// - A message that has `>From ` (`>>From `, ...) lines and no trusted Content-Length is marked `unquote`.
/// - Bytes before the first From_ line that are not blank form a message of their own without a From_ line.
final class MboxSplitter {
    struct Message: Equatable {
        /// Offset of the From_ line (of the first byte when there is none).
        var fromLineOffset: Int
        /// The From_ line's first bytes, without its line break; empty when there is none.
        var fromLine: [UInt8]
        /// The message range: after the From_ line, up to the separator.
        var start: Int
        var length: Int
        /// Bytes of the header section from `start`, with the blank line that ends it (the whole message when
        /// it has no blank line). At most `length`.
        var headerLength: Int
        var unquote: Bool
        var contentLengthDelimited: Bool
        /// The From_ line's date (`MboxFromLine.epochSeconds`), nil when it has none.
        var fromEpoch: Int64? = nil
    }

    /// The lines whose first bytes the splitter reads: in the header section, From_ lines, quoted From lines and
    /// Content-Length; in the body, From_ lines and quoted ones. Other lines are only measured.
    private static let headerHeads = ChunkedLineReader.flags(Array("F>cC".utf8))
    private static let bodyHeads = ChunkedLineReader.flags(Array("F>".utf8))

    private let reader: ChunkedLineReader
    private let file: ReadOnlyFile
    /// The header section read from the file when it was not captured.
    private var headerBuffer: [UInt8] = []
    /// A separator line already read (its offset and bytes), starting the next message.
    private var pendingFrom: (offset: Int, line: [UInt8], start: Int, epoch: Int64?)?
    private var started = false
    private var finished = false

    init(file: ReadOnlyFile, chunkSize: Int) {
        self.file = file
        reader = ChunkedLineReader(file: file, chunkSize: chunkSize)
        reader.keepsHead = Self.headerHeads
    }

    /// The next message, or nil at the end of the file.
    func next() throws -> Message? {
        if finished { return nil }
        if !started {
            started = true
            if try !readFirstSeparator() { finished = true; return nil }
        }
        if let p = pendingFrom {
            pendingFrom = nil
            var m = try readMessage(fromOffset: p.offset, fromLine: p.line, start: p.start, firstLineRead: false)
            m.fromEpoch = p.epoch
            return m
        }
        // Leading bytes with no From_ line: the current line (already read) is the message's first line.
        return try readMessage(fromOffset: reader.line.start, fromLine: [], start: reader.line.start,
                               firstLineRead: true)
    }

    /// Calls `body` with the header section of `m`, the message `next()` returned last: its first
    /// `min(m.headerLength, HeaderSection.cap)` bytes. They were kept as its lines were split, so the file is read
    /// again only for a first message without a From_ line.
    func withHeader<T>(of m: Message, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let count = min(m.headerLength, HeaderSection.cap)
        // Every message starts a new capture (an empty one for a first line read before it): what it holds is
        // this message's header section exactly when it has the section's length.
        if reader.captured.count == count {
            return try reader.captured.withUnsafeBytes(body)
        }
        try file.readBytes(into: &headerBuffer, count: count, at: m.start)
        return try headerBuffer.withUnsafeBytes(body)
    }

    /// Skips a BOM and blank lines; sets `pendingFrom` when the first line is a `From ` line. False when the
    /// file holds nothing but blank lines.
    private func readFirstSeparator() throws -> Bool {
        reader.keepAllHeads = true
        defer { reader.keepAllHeads = false }
        while try reader.nextLine() {
            var head = reader.head
            var offset = reader.line.start
            if offset == 0, head.starts(with: [0xEF, 0xBB, 0xBF]) {
                head.removeFirst(3)
                offset = 3
                if reader.line.contentLength == 3 { continue }
            }
            if reader.line.isBlank { continue }
            if MboxFromLine.hasPrefix(head) {
                pendingFrom = (offset, head, reader.line.end, MboxFromLine.epochSeconds(head))
            }
            return true
        }
        return false
    }

    private func readMessage(fromOffset: Int, fromLine: [UInt8], start: Int, firstLineRead: Bool) throws -> Message {
        var inHeader = true
        var headerEnd: Int?
        var contentLength: Int?
        var unquote = false
        var previousBlankLength = 0  // length of the previous line when it was blank, else 0
        var haveLine = firstLineRead
        reader.keepsHead = Self.headerHeads
        // The header section's bytes are kept as its lines are read (not for a first line already read).
        reader.startCapture(limit: firstLineRead ? 0 : HeaderSection.cap)
        while true {
            if !haveLine {
                // Body lines that start with no byte of `bodyHeads` are only passed by (none of them is blank).
                if !inHeader, reader.skipLines(unlessFirstByteIn: Self.bodyHeads) { previousBlankLength = 0 }
                guard try reader.nextLine() else { break }
            }
            haveLine = false
            let line = reader.line
            let first = reader.firstByte
            // Only lines starting with `F`, `>` (and `c`, `C` in the header section) have their first bytes read.
            if first == UInt8(ascii: "F"), MboxFromLine.hasPrefix(reader.head) {
                let head = reader.head
                let (kind, epoch) = MboxFromLine.classifyDated(head)
                if kind == .strong || (kind == .weak && previousBlankLength > 0) {
                    pendingFrom = (line.start, head, line.end, epoch)
                    let end = line.start - previousBlankLength
                    return message(fromOffset, fromLine, start, end, headerEnd, unquote)
                }
            }
            if inHeader {
                if line.isBlank {
                    inHeader = false
                    reader.stopCapture()
                    reader.keepsHead = Self.bodyHeads
                    headerEnd = line.end
                    if let n = contentLength, let next = try contentLengthEnd(bodyStart: line.end, length: n) {
                        var m = message(fromOffset, fromLine, start, line.end + n, headerEnd, false)
                        m.contentLengthDelimited = true
                        reader.seek(to: next)
                        reader.keepAllHeads = true
                        defer { reader.keepAllHeads = false }
                        if try reader.nextLine() {
                            let head = reader.head
                            pendingFrom = (reader.line.start, head, reader.line.end, MboxFromLine.epochSeconds(head))
                        } else {
                            finished = true
                        }
                        return m
                    }
                } else if first | 0x20 == UInt8(ascii: "c"), let n = Self.contentLengthValue(reader.head) {
                    contentLength = n
                }
            }
            if !unquote, first == UInt8(ascii: ">"), MboxFromLine.isQuoted(reader.head) {
                unquote = true
            }
            previousBlankLength = line.isBlank ? line.length : 0
        }
        finished = true
        let end = reader.line.end - previousBlankLength
        return message(fromOffset, fromLine, start, max(end, start), headerEnd, unquote)
    }

    private func message(_ fromOffset: Int, _ fromLine: [UInt8], _ start: Int, _ end: Int, _ headerEnd: Int?,
                         _ unquote: Bool) -> Message {
        let length = max(end - start, 0)
        let header = min(headerEnd.map { $0 - start } ?? length, length)
        // What was kept may run past the header section (the next From_ line ended a message without a body).
        reader.stopCapture()
        reader.truncateCaptured(to: min(header, HeaderSection.cap))
        return Message(fromLineOffset: fromOffset, fromLine: fromLine, start: start, length: length,
                       headerLength: header, unquote: unquote, contentLengthDelimited: false)
    }

    /// Where the next message's From_ line starts (or the end of the file) when `length` body bytes from
    /// `bodyStart` end exactly at the end of the file, at a `From ` line, or at a line break followed by either.
    private func contentLengthEnd(bodyStart: Int, length: Int) throws -> Int? {
        let p = bodyStart + length
        guard length >= 0, p > 0 else { return nil }
        var window = [UInt8]()
        try file.readBytes(into: &window, count: 8, at: p - 1)
        guard !window.isEmpty else { return nil }  // p is past the end of the file
        let after = window.dropFirst()
        if after.isEmpty { return p }
        if window[0] == 0x0A, MboxFromLine.hasPrefix(after) { return p }
        for brk in [[UInt8(0x0A)], [UInt8(0x0D), 0x0A]] where after.starts(with: brk) {
            let rest = after.dropFirst(brk.count)
            if rest.isEmpty || MboxFromLine.hasPrefix(rest) { return p + brk.count }
        }
        return nil
    }

    private static let contentLengthName: [UInt8] = Array("content-length:".utf8)

    /// `N` of a `Content-Length: N` header line (any case, spaces allowed), else nil.
    static func contentLengthValue(_ line: [UInt8]) -> Int? {
        // Called on every header line: most fail at the first byte, without the name's bytes made each time.
        let name = contentLengthName
        guard line.count > name.count, line[0] | 0x20 == UInt8(ascii: "c"),
              zip(line, name).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) else {
            return nil
        }
        var v = 0
        var digits = 0
        for c in line[name.count...] {
            if c >= 0x30, c <= 0x39 {
                guard digits < 15 else { return nil }
                v = v * 10 + Int(c - 0x30)
                digits += 1
            } else if c == 0x20 || c == 0x09 {
                if digits > 0 { break }
            } else {
                return nil
            }
        }
        return digits > 0 ? v : nil
    }
}
