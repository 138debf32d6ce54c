/// Splits the bytes a server sends into whole responses: one response is a line ending in CRLF, where each
/// `{n}` (or `{n+}`) just before a CRLF announces `n` literal bytes that belong to the same response.
///
/// Pure and incremental: feed whatever `recv` returned, then take responses until `next()` returns nil. The
/// same responses come out whatever the chunk sizes. Bounded: a response whose lines pass
/// `limits.maxLineBytes` (a line without CRLF included) or whose literals pass `limits.maxLiteralBytes` throws
/// as soon as that is known, so at most one cap plus one `feed` is ever held.
public struct IMAPFramer: Sendable {
    private var buffer: [UInt8] = []
    /// Start of the response being framed in `buffer`.
    private var start = 0
    /// Where scanning for the next CRLF resumes (everything before is known to be inside this response).
    private var scan = 0
    /// Literal bytes of the response being framed that `scan` has already passed.
    private var literalBytes = 0
    public var limits: IMAPLimits

    public init(limits: IMAPLimits = IMAPLimits()) {
        self.limits = limits
    }

    /// A framer whose literals may hold at most `maxLiteral` bytes (other caps at their defaults).
    public init(maxLiteral: Int) {
        self.init(limits: IMAPLimits(maxLiteralBytes: maxLiteral))
    }

    /// Largest literal accepted (a guard against a hostile or broken server).
    public var maxLiteral: Int { limits.maxLiteralBytes }

    /// Bytes received but not yet returned as a response.
    public var pendingCount: Int { buffer.count - start }

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            scan -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole response (CRLF included), or nil when more bytes are needed.
    public mutating func next() throws -> [UInt8]? {
        var i = scan
        while i + 1 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 {
                if let n = try literalLength(endingAt: i) {
                    if literalBytes + n > limits.maxLiteralBytes {
                        throw IMAPProtocolError("the literals of one response add up to more than \(IMAPLimits.size(limits.maxLiteralBytes)) (the message size limit)")
                    }
                    try checkLine(upTo: i + 2)
                    let literalStart = i + 2
                    if buffer.count - literalStart < n {
                        scan = i   // re-examine this CRLF when more bytes arrive
                        return nil
                    }
                    literalBytes += n
                    i = literalStart + n
                    continue
                }
                let end = i + 2
                try checkLine(upTo: end)
                let response = Array(buffer[start..<end])
                start = end
                scan = end
                literalBytes = 0
                return response
            }
            i += 1
        }
        try checkLine(upTo: buffer.count)
        // Resume at the last byte (it may be the CR of a CRLF), but never inside a literal just skipped.
        scan = max(start, i, buffer.count - 1)
        return nil
    }

    /// Throws when the response's bytes before `end`, literals left out, pass the line cap.
    private func checkLine(upTo end: Int) throws {
        if end - start - literalBytes > limits.maxLineBytes {
            throw IMAPProtocolError("a response line is longer than \(IMAPLimits.size(limits.maxLineBytes)) without its CRLF")
        }
    }

    /// When the line that ends at `crlf` ends with `{digits}` or `{digits+}`, the literal's length.
    private func literalLength(endingAt crlf: Int) throws -> Int? {
        var j = crlf - 1
        guard j >= start, buffer[j] == UInt8(ascii: "}") else { return nil }
        j -= 1
        if j >= start && buffer[j] == UInt8(ascii: "+") { j -= 1 }
        let end = j + 1
        while j >= start, buffer[j] >= 48, buffer[j] <= 57 { j -= 1 }
        guard end - j > 1, j >= start, buffer[j] == UInt8(ascii: "{") else { return nil }
        let value = try IMAPLimits.literalLength(buffer[(j + 1)..<end])
        if value > limits.maxLiteralBytes {
            throw IMAPProtocolError("a literal of \(value) bytes is larger than the message size limit of \(IMAPLimits.size(limits.maxLiteralBytes))")
        }
        return value
    }
}

/// The server sent something that is not IMAP as Mailroom reads it.
public struct IMAPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "IMAP protocol error: \(message)" }
}
