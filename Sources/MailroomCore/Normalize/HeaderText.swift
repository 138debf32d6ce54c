/// Raw header and body bytes to text.
enum HeaderText {
    /// Raw header bytes as text: ASCII and valid UTF-8 (RFC 6532) as is, anything else as windows-1252.
    static func string(_ bytes: some Collection<UInt8>) -> String {
        validUTF8(bytes) ?? windows1252(bytes)
    }

    /// The bytes as a String when they are valid UTF-8 (ASCII included), else nil: one validating pass.
    static func validUTF8(_ bytes: some Collection<UInt8>) -> String? {
        bytes.withContiguousStorageIfAvailable(ValidUTF8.string) ?? String(validating: bytes, as: UTF8.self)
    }

    /// C1 range of windows-1252 (0x80...0x9F); unassigned bytes map to their Latin-1 code points.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: some Collection<UInt8>) -> String {
        var out = String.UnicodeScalarView()
        for c in bytes {
            let v: UInt32 = (c >= 0x80 && c <= 0x9F) ? cp1252High[Int(c - 0x80)] : UInt32(c)
            out.append(Unicode.Scalar(v)!)
        }
        return String(out)
    }

    /// Whether `decode` turns all-ASCII bytes in that charset into the same text without a charset issue (the
    /// UTF-8 and windows-1252 families, and a missing charset).
    static func decodesASCIIAsItself(charset rawCharset: String?) -> Bool {
        decodesASCIIAsItself(label: normalizedCharset(rawCharset))
    }

    /// The same for a label already normalized (`normalizedCharset`).
    static func decodesASCIIAsItself(label: String) -> Bool {
        utf8Labels.contains(label) || windows1252Labels.contains(label)
    }

    /// Labels `decode` reads as UTF-8 (a missing charset included).
    static let utf8Labels: Set<String> = ["", "us-ascii", "ascii", "utf-8", "utf8", "unknown-8bit", "x-unknown", "8bit",
                                          "default", "none"]
    /// Labels `decode` reads as windows-1252.
    static let windows1252Labels: Set<String> = ["iso-8859-1", "latin1", "iso8859-1", "iso_8859-1", "windows-1252",
                                                 "cp1252", "x-user-defined"]

    /// Bytes in a declared charset to text. Unknown or missing charsets fall back to UTF-8, else windows-1252;
    /// `unknown` is true when the declared charset was not recognised.
    static func decode(_ bytes: some Collection<UInt8>, charset rawCharset: String?) -> (text: String, unknown: Bool) {
        let cs = normalizedCharset(rawCharset)
        if utf8Labels.contains(cs) { return (string(bytes), false) }
        if windows1252Labels.contains(cs) {
            // QUIRK: like browsers (WHATWG Encoding), Latin-1 labels mean windows-1252.
            return (bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : windows1252(bytes), false)
        }
        switch ICU.decode(bytes, charset: cs) {
        case .success(let r): return (r.text, false)
        case .failure(.unknownCharset): return (string(bytes), true)
        case .failure(.failed): return (string(bytes), false)
        }
    }

    /// Lower-cased charset label without quotes, white space or an RFC 2231 language suffix.
    static func normalizedCharset(_ raw: String?) -> String {
        guard let raw else { return "" }
        return raw.isASCII ? normalizedASCIICharset(raw) : normalizedCharsetByCharacter(raw)
    }

    /// `normalizedCharset` of ASCII text, by bytes: lower-cased, quotes dropped, cut at `*`, trimmed (trimming
    /// first as well changes nothing: the spaces it would take are trimmed at the end, or cut with the rest).
    static func normalizedASCIICharset(_ raw: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.utf8.count)
        for b in raw.utf8 {
            if b == 0x2A { break }
            if b == 0x22 || b == 0x27 { continue }
            out.append(ByteLines.lowerASCII(b))
        }
        return String(decoding: out, as: UTF8.self).trimmingASCIISpaces()
    }

    /// `normalizedCharset` of any text, by Characters.
    static func normalizedCharsetByCharacter(_ raw: String) -> String {
        var s = raw.trimmingASCIISpaces().lowercased()
        s.removeAll { $0 == "\"" || $0 == "'" }
        if let star = s.firstIndex(of: "*") { s = String(s[..<star]) }
        return s.trimmingASCIISpaces()
    }

    /// Collapses runs of white space (Unicode, line breaks and tabs included) to one space, trims, and removes
    /// control characters.
    static func collapsingWhiteSpace(_ s: String) -> String {
        var input = s
        return input.withUTF8 { collapsingWhiteSpace(utf8: $0, maxScalars: .max).text }
    }

    /// The start of `collapsingWhiteSpace(s)`, for callers that look at its first `characters - 1` Characters
    /// only: the collapse stops after `3 * characters / 2` scalars, and that prefix is returned when it holds at
    /// least `characters` Characters (only its last Character can differ from the full text's, whose later
    /// scalars may extend it); otherwise the whole collapsed text is.
    static func collapsingWhiteSpace(_ s: String, keepingAtLeast characters: Int) -> String {
        var input = s
        return input.withUTF8 { collapsingWhiteSpace(utf8: $0, keepingAtLeast: characters) }
    }

    /// `collapsingWhiteSpace(_:keepingAtLeast:)` of valid UTF-8 bytes.
    static func collapsingWhiteSpace(utf8 b: UnsafeBufferPointer<UInt8>, keepingAtLeast characters: Int) -> String {
        let (prefix, cut) = collapsingWhiteSpace(utf8: b, maxScalars: 3 * characters / 2)
        guard cut, !collapsedText(prefix, hasAtLeast: characters) else { return prefix }
        return collapsingWhiteSpace(utf8: b, maxScalars: .max).text
    }

    /// Whether collapsed text (which holds no CR, so each ASCII byte is one Character) has `n` Characters.
    static func collapsedText(_ s: String, hasAtLeast n: Int) -> Bool {
        if s.utf8.count < n { return false }
        if s.isASCII { return true }
        return s.index(s.startIndex, offsetBy: n, limitedBy: s.endIndex) != nil
    }

    /// Unicode's White_Space above ASCII (`Unicode.Scalar.Properties.isWhitespace`), without the property table:
    /// the set is small and stable (a test checks it against the table over every scalar).
    @inline(__always) static func isNonASCIIWhiteSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The collapsed text, stopping once `maxScalars` scalars are written; `cut` tells whether it stopped early.
    private static func collapsingWhiteSpace(utf8 b: UnsafeBufferPointer<UInt8>,
                                             maxScalars: Int) -> (text: String, cut: Bool) {
        var cut = false
        // The text never grows; a cut one holds at most `maxScalars + 1` scalars (a space and one more).
        let capacity = maxScalars < b.count / 4 ? min(b.count, 4 * maxScalars + 4) : b.count
        let text = String(unsafeUninitializedCapacity: capacity) { out in
            var n = 0, scalars = 0
            var pendingSpace = false
            var i = 0
            while i < b.count {
                if scalars >= maxScalars { cut = true; break }
                let c = b[i]
                if c < 0x80 {
                    // ASCII: the same decisions as below, without the Unicode property lookup.
                    i += 1
                    if c == 0x20 || (c >= 0x09 && c <= 0x0D) {
                        pendingSpace = n > 0
                        continue
                    }
                    if c < 0x20 || c == 0x7F { continue }
                    if pendingSpace { out[n] = 0x20; n += 1; scalars += 1; pendingSpace = false }
                    out[n] = c
                    n += 1
                    scalars += 1
                    continue
                }
                let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                var v = UInt32(c) & (0xFF >> (len + 1))
                for k in 1..<len { v = v << 6 | UInt32(b[i + k] & 0x3F) }
                let start = i
                i += len
                if v == 0x200B || v == 0xFEFF || Self.isNonASCIIWhiteSpace(v) {
                    pendingSpace = n > 0
                    continue
                }
                if v <= 0x9F { continue }
                if pendingSpace { out[n] = 0x20; n += 1; scalars += 1; pendingSpace = false }
                for k in start..<i { out[n] = b[k]; n += 1 }
                scalars += 1
            }
            return n
        }
        return (text, cut)
    }
}

extension String {
    /// Trims Unicode white space from both ends.
    func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let s = scalars.firstIndex(where: { !Self.isWhiteSpace($0) }) else { return "" }
        let e = scalars.lastIndex(where: { !Self.isWhiteSpace($0) })!
        if s == scalars.startIndex, e == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[s...e])
    }

    /// Unicode White_Space, with ASCII answered without the property table.
    @inline(__always) static func isWhiteSpace(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return HeaderText.isNonASCIIWhiteSpace(v)
    }
}
