/// One value of an IMAP response: atoms (including numbers, flags and `BODY[...]` section names), strings
/// (quoted or literal, as raw bytes), NIL and parenthesised lists.
public enum IMAPValue: Sendable, Equatable {
    case atom(String)
    case string([UInt8])
    case nilValue
    case list([IMAPValue])

    public var atom: String? { if case .atom(let a) = self { return a }; return nil }

    /// A number atom as `Int`: nil when the value is not a number (NIL, a word, a list); a protocol error naming
    /// `what` when it has more than 63 bits (RFC 9051 `number64`), so no server number can trap a conversion.
    public func number64(_ what: String) throws -> Int? {
        guard let a = atom else { return nil }
        return try IMAPValue.number64(a, what: what)
    }

    /// `text` as a number of at most 63 bits; nil when it is not all digits, a protocol error when too large.
    public static func number64(_ text: some StringProtocol, what: String) throws -> Int? {
        let digits = text.utf8
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard digits.count <= 19, let v = UInt64(text), v <= IMAPLimits.maxNumber else {
            throw IMAPProtocolError("\(what) \(text.prefix(40))\(digits.count > 40 ? "..." : "") is larger than any IMAP number (2^63 - 1)")
        }
        return Int(v)
    }

    public var list: [IMAPValue]? { if case .list(let l) = self { return l }; return nil }

    /// Bytes of a string, or of an atom used where a string is expected (`astring`); nil for NIL and lists.
    public var bytes: [UInt8]? {
        switch self {
        case .string(let b): return b
        case .atom(let a): return Array(a.utf8)
        default: return nil
        }
    }

    /// `bytes` decoded as UTF-8 (lossily).
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

/// Reads `IMAPValue`s from the bytes of one framed response.
public struct IMAPTokenizer {
    let bytes: [UInt8]
    public private(set) var position: Int
    /// Lists nested deeper than this are a protocol error (the parser recurses once per level).
    public var maxNesting: Int
    private var depth = 0

    public init(_ bytes: [UInt8], position: Int = 0, maxNesting: Int = IMAPLimits().maxNesting) {
        self.bytes = bytes
        self.position = position
        self.maxNesting = maxNesting
    }

    public var atEnd: Bool {
        position >= bytes.count || (bytes[position] == 13 && position + 1 < bytes.count && bytes[position + 1] == 10)
    }

    public mutating func skipSpaces() {
        while position < bytes.count && bytes[position] == 32 { position += 1 }
    }

    /// The rest of the line as text (for status response text), without the CRLF.
    public mutating func restOfLine() -> String {
        var end = bytes.count
        if end >= 2 && bytes[end - 2] == 13 && bytes[end - 1] == 10 { end -= 2 }
        let s = position < end ? String(decoding: bytes[position..<end], as: UTF8.self) : ""
        position = bytes.count
        return s
    }

    /// Every value up to the end of the line.
    public mutating func values() throws -> [IMAPValue] {
        var out: [IMAPValue] = []
        skipSpaces()
        while !atEnd {
            out.append(try value())
            skipSpaces()
        }
        return out
    }

    public mutating func value() throws -> IMAPValue {
        skipSpaces()
        guard position < bytes.count else { throw IMAPProtocolError("response ended early") }
        switch bytes[position] {
        case UInt8(ascii: "("):
            guard depth < maxNesting else {
                throw IMAPProtocolError("lists nested more than \(maxNesting) deep")
            }
            depth += 1
            defer { depth -= 1 }
            position += 1
            var items: [IMAPValue] = []
            while true {
                skipSpaces()
                guard position < bytes.count else { throw IMAPProtocolError("unclosed list") }
                if bytes[position] == UInt8(ascii: ")") { position += 1; break }
                items.append(try value())
            }
            return .list(items)
        case UInt8(ascii: "\""):
            return .string(try quoted())
        case UInt8(ascii: "{"):
            return .string(try literal())
        default:
            let a = try atomText()
            if a.uppercased() == "NIL" { return .nilValue }
            return .atom(a)
        }
    }

    private mutating func quoted() throws -> [UInt8] {
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\\"), position + 1 < bytes.count {
                out.append(bytes[position + 1])
                position += 2
                continue
            }
            if c == UInt8(ascii: "\"") { position += 1; return out }
            if c == 13 || c == 10 { break }
            out.append(c)
            position += 1
        }
        throw IMAPProtocolError("unterminated quoted string")
    }

    private mutating func literal() throws -> [UInt8] {
        position += 1
        let digitsStart = position
        while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 { position += 1 }
        // At most 12 digits: no overflow (`{99999999999999999999}` trapped). `{}` reads as 0 and fails below
        // unless `}` CRLF follows.
        let n = try IMAPLimits.literalLength(bytes[digitsStart..<position])
        // No literal is longer than the response holding it.
        if n > bytes.count { throw IMAPProtocolError("literal of more bytes than the response holds") }
        if position < bytes.count && bytes[position] == UInt8(ascii: "+") { position += 1 }
        // `}` CRLF must all be there (`{}\r` at the end of the bytes read one past them).
        guard position + 2 < bytes.count,
              bytes[position] == UInt8(ascii: "}"), bytes[position + 1] == 13, bytes[position + 2] == 10
        else { throw IMAPProtocolError("malformed literal") }
        position += 3
        guard bytes.count - position >= n else { throw IMAPProtocolError("literal shorter than announced") }
        let out = Array(bytes[position..<(position + n)])
        position += n
        return out
    }

    /// An atom; `[` ... `]` inside it is kept whole (`BODY[HEADER.FIELDS (MESSAGE-ID)]`, `BODY[]<0>`).
    private mutating func atomText() throws -> String {
        let begin = position
        var depth = 0
        while position < bytes.count {
            let c = bytes[position]
            if c == 13 || c == 10 { break }
            if c == UInt8(ascii: "[") { depth += 1 }
            else if c == UInt8(ascii: "]") { if depth > 0 { depth -= 1 } }
            else if depth == 0 && (c == 32 || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                                   || c == UInt8(ascii: "{") || c == UInt8(ascii: "\"")) { break }
            position += 1
        }
        guard position > begin else {
            throw IMAPProtocolError("unexpected character \(bytes[position]) at byte \(position)")
        }
        return String(decoding: bytes[begin..<position], as: UTF8.self)
    }
}
