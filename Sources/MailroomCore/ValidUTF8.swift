/// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) to `String`: what
/// `String(validating:as: UTF8.self)` answers. Its generic per-call cost showed in profiles for the many short
/// header fields and JSON strings, so short texts are checked here byte by byte; longer ones go to the standard
/// library, whose vectorized check is faster from about 48 bytes of non-ASCII text on (measured).
enum ValidUTF8 {
    /// How many bytes at the end of `b` are the start of a multi-byte character that the end cuts: a lead byte
    /// followed by fewer continuation bytes than it announces (0 to 3). Other malformed endings count 0.
    static func incompleteTail(_ b: [UInt8]) -> Int {
        var i = b.count - 1
        while i >= 0, b.count - i <= 3, b[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0 else { return 0 }
        let lead = b[i]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return lead >= 0xC0 && b.count - i < length ? b.count - i : 0
    }

    /// Texts up to this many bytes are checked here.
    static let shortText = 40

    /// The bytes as a String when they are well-formed UTF-8, else nil.
    static func string(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard b.count <= shortText else { return String(validating: b, as: UTF8.self) }
        return isValid(b) ? String(decoding: b, as: UTF8.self) : nil
    }

    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        while i < n {
            // Eight ASCII bytes at a time.
            if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & JSONStringWord.highs == 0 {
                i += 8
                continue
            }
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            func continuation(_ k: Int) -> Bool { b[k] & 0xC0 == 0x80 }
            switch c {
            case 0xC2...0xDF:
                guard i + 1 < n, continuation(i + 1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard i + 2 < n, continuation(i + 1), continuation(i + 2) else { return false }
                if c == 0xE0, b[i + 1] < 0xA0 { return false }  // overlong
                if c == 0xED, b[i + 1] >= 0xA0 { return false }  // a surrogate
                i += 3
            case 0xF0...0xF4:
                guard i + 3 < n, continuation(i + 1), continuation(i + 2), continuation(i + 3) else { return false }
                if c == 0xF0, b[i + 1] < 0x90 { return false }  // overlong
                if c == 0xF4, b[i + 1] >= 0x90 { return false }  // above U+10FFFF
                i += 4
            default:
                return false  // a continuation byte first, an overlong two-byte lead, or no lead at all
            }
        }
        return true
    }
}
