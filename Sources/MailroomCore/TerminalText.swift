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
