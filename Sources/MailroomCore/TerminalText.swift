/// The one terminal sanitizer: text from a server, a folder name or a message passes through it before it is
/// printed (error lines, `mailbox list`, `mailbox test`, `runs`, log lines, text reports). C0 controls, DEL,
/// C1 controls and the bidirectional overrides and isolates are written as visible escapes (`\x1B`,
/// `\u{202E}`), so no text can move the cursor, clear the screen, set the window title or reorder what the
/// operator reads. Every other character, non-Latin scripts and emoji included, is kept.
public enum TerminalText {
    /// One line: line breaks and tabs are escaped too.
    public static func escaped(_ s: String) -> String { sanitize(s, keepLineBreaks: false) }

    /// Several lines: LF and tab are kept, everything else is escaped as in `escaped`.
    public static func lines(_ s: String) -> String { sanitize(s, keepLineBreaks: true) }

    /// Text from mail inside one line of a report or progress line: sanitized as `escaped`, except that line
    /// breaks and tabs become spaces.
    public static func clean(_ s: String) -> String {
        var spaced = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            spaced.append(u.value == 0x09 || u.value == 0x0A || u.value == 0x0D ? " " : u)
        }
        return escaped(String(spaced))
    }

    /// Cleans each line of a multi-line text (`clean`), keeping the line breaks.
    public static func cleanLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { clean(String($0)) }.joined(separator: "\n")
    }

    /// Whether the scalar with value `v` is escaped.
    public static func isUnsafe(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// A JSON document for a terminal (`--json` on stdout): every character `isUnsafe` names is written as a
    /// JSON escape (`\u0085`, `\u202e`), which any JSON reader reads back as the same character. JSON strings
    /// hold them raw otherwise (only C0 controls must be escaped); outside strings valid JSON has none. Bytes that
    /// are not UTF-8 are left as they are.
    public static func json(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var v: UInt32 = 0, n = 0
            if b == 0xC2 || b == 0xD8, i + 1 < bytes.count, bytes[i + 1] & 0xC0 == 0x80 {
                v = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F); n = 2
            } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 {
                v = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F); n = 3
            }
            if n > 0, isUnsafe(v) {
                out += [0x5C, 0x75] + [12, 8, 4, 0].map { hex[Int(v >> UInt32($0) & 0xF)] }
                i += n
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    static func sanitize(_ s: String, keepLineBreaks: Bool) -> String {
        // Fast path: printable ASCII and ordinary UTF-8 need no copy.
        var clean = true
        for b in s.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 {
            if keepLineBreaks && (b == 0x0A || b == 0x09) { continue }
            clean = false
            break
        }
        if clean { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            let v = c.value
            if keepLineBreaks && (v == 0x0A || v == 0x09) { out.unicodeScalars.append(c); continue }
            guard isUnsafe(v) else { out.unicodeScalars.append(c); continue }
            if v <= 0xFF {
                let hex = Array("0123456789ABCDEF")
                out += "\\x\(hex[Int(v >> 4)])\(hex[Int(v & 0xF)])"
            } else {
                out += "\\u{\(String(v, radix: 16, uppercase: true))}"
            }
        }
        return out
    }
}
