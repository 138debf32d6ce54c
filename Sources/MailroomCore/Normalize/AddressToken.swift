/// A lexical token of an RFC 5322 address header.
struct AddressToken: Sendable {
    enum Kind: Sendable {
        case atom([UInt8])
        /// Content of a quoted string, escapes removed.
        case quoted([UInt8])
        /// Content of a comment, escapes removed, nested parentheses kept.
        case comment([UInt8])
        /// A domain literal with its brackets.
        case literal([UInt8])
        /// One of `< > , ; : @ .`
        case special(UInt8)
    }

    var kind: Kind
    /// White space or a comment came before this token.
    var spaceBefore = false

    static func special(_ c: UInt8) -> AddressToken { AddressToken(kind: .special(c)) }

    func `is`(_ c: UInt8) -> Bool {
        if case .special(let s) = kind { return s == c }
        return false
    }

    var isComment: Bool {
        if case .comment = kind { return true }
        return false
    }

    /// An atom or quoted string (a display-name word).
    var isWord: Bool {
        switch kind {
        case .atom, .quoted: return true
        case .special(let c): return c == 0x2E
        default: return false
        }
    }

    /// The pipermail `at` of `user at host`.
    var isAtWord: Bool {
        if case .atom(let b) = kind { return b.count == 2 && b[0] | 0x20 == 0x61 && b[1] | 0x20 == 0x74 && spaceBefore }
        return false
    }

    /// Tokenizes an address header value.
    static func tokenize(_ b: [UInt8]) -> [AddressToken] {
        var out: [AddressToken] = []
        var i = 0
        var space = false
        while i < b.count {
            let c = b[i]
            if ByteLines.isSpace(c) { space = true; i += 1; continue }
            var t: AddressToken
            switch c {
            case 0x22:  // quoted string
                var v: [UInt8] = []
                i += 1
                while i < b.count, b[i] != 0x22 {
                    if b[i] == 0x5C, i + 1 < b.count { i += 1 }
                    v.append(b[i])
                    i += 1
                }
                i += 1
                t = AddressToken(kind: .quoted(v))
            case 0x28:  // comment
                var v: [UInt8] = []
                var depth = 1
                i += 1
                while i < b.count {
                    if b[i] == 0x5C, i + 1 < b.count { v.append(b[i + 1]); i += 2; continue }
                    if b[i] == 0x28 { depth += 1 }
                    if b[i] == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
                    v.append(b[i])
                    i += 1
                }
                t = AddressToken(kind: .comment(v))
            case 0x5B:  // domain literal
                var v: [UInt8] = []
                while i < b.count {
                    v.append(b[i])
                    i += 1
                    if v.last == 0x5D { break }
                }
                t = AddressToken(kind: .literal(v))
            case 0x3C, 0x3E, 0x2C, 0x3B, 0x3A, 0x40, 0x2E:
                t = .special(c)
                i += 1
            default:
                let s = i
                i += 1  // a stray `)`, `]` or `\` is a one-character atom
                while i < b.count, !ByteLines.isSpace(b[i]), !isSpecial(b[i]) { i += 1 }
                t = AddressToken(kind: .atom(Array(b[s..<i])))
            }
            t.spaceBefore = space
            space = t.isComment
            out.append(t)
        }
        return out
    }

    static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case 0x22, 0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x2C, 0x3B, 0x3A, 0x40, 0x2E, 0x5C: return true
        default: return false
        }
    }
}
