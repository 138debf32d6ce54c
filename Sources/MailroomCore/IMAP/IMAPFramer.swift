/// Splits the bytes a server sends into whole responses: one response is a line ending in CRLF, where each
/// `{n}` (or `{n+}`) just before a CRLF announces `n` literal bytes that belong to the same response.
///
/// Pure and incremental: feed whatever `recv` returned, then take responses until `next()` returns nil. The
/// same responses come out whatever the chunk sizes.
public struct IMAPFramer: Sendable {
    private var buffer: [UInt8] = []
    /// Start of the response being framed in `buffer`.
    private var start = 0
    /// Where scanning for the next CRLF resumes (everything before is known to be inside this response).
    private var scan = 0
    /// Largest literal accepted (a guard against a hostile or broken server).
    public var maxLiteral: Int

    public init(maxLiteral: Int = 512 * 1024 * 1024) {
        self.maxLiteral = maxLiteral
    }

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
                    let literalStart = i + 2
                    if buffer.count - literalStart < n {
                        scan = i   // re-examine this CRLF when more bytes arrive
                        return nil
                    }
                    i = literalStart + n
                    continue
                }
                let end = i + 2
                let response = Array(buffer[start..<end])
                start = end
                scan = end
                return response
            }
            i += 1
        }
        // Resume at the last byte (it may be the CR of a CRLF), but never inside a literal just skipped.
        scan = max(start, i, buffer.count - 1)
        return nil
    }

    /// When the line that ends at `crlf` ends with `{digits}` or `{digits+}`, the literal's length.
    private func literalLength(endingAt crlf: Int) throws -> Int? {
        var j = crlf - 1
        guard j >= start, buffer[j] == UInt8(ascii: "}") else { return nil }
        j -= 1
        if j >= start && buffer[j] == UInt8(ascii: "+") { j -= 1 }
        var value = 0
        var digits = 0
        var multiplier = 1
        while j >= start, buffer[j] >= 48, buffer[j] <= 57 {
            value += Int(buffer[j] - 48) * multiplier
            multiplier *= 10
            digits += 1
            j -= 1
            if digits > 12 { throw IMAPProtocolError("literal length too long") }
        }
        guard digits > 0, j >= start, buffer[j] == UInt8(ascii: "{") else { return nil }
        if value > maxLiteral { throw IMAPProtocolError("literal of \(value) bytes is larger than allowed") }
        return value
    }
}

/// The server sent something that is not IMAP as Mailroom reads it.
public struct IMAPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "IMAP protocol error: \(message)" }
}
