/// Text from mail placed into HTML. Mail content is untrusted: every subject, name, address and detail goes
/// through `escape` before it reaches a page, in element content and in attribute values alike.
public enum HTMLEscape {
    /// Escapes `& < > " '` and drops characters that have no place in an HTML document: C0 controls other than
    /// tab and line feed, DEL, C1 controls, and the bidirectional overrides and isolates that could reorder the
    /// text around them (the set `TerminalText` escapes on a terminal). Carriage return becomes a space.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            switch u.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x27: out += "&#39;"
            case 0x09, 0x0A: out.unicodeScalars.append(u)
            case 0x0D: out += " "
            case 0x00..<0x20, 0x7F, 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069,
                 0xFDD0...0xFDEF, 0xFFFE, 0xFFFF: continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
