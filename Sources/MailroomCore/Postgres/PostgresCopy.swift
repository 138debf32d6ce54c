/// PostgreSQL's `COPY … FROM STDIN` text format: one line per row, columns separated by a tab, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped as `\\`, `\t`, `\n`, `\r`. Values are normalized by
/// `StoreText` first (no NUL reaches the server).
public enum PostgresCopy {
    /// Appends one row (`nil` is NULL) and its line end.
    public static func appendRow(_ fields: [String?], to out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x09) }
            appendField(f, to: &out)
        }
        out.append(0x0A)
    }

    /// Appends one escaped value (`\N` for NULL).
    public static func appendField(_ field: String?, to out: inout [UInt8]) {
        guard let field else {
            out.append(0x5C); out.append(0x4E)
            return
        }
        for b in field.utf8 {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x00: out.append(contentsOf: [0xEF, 0xBF, 0xBD]) // StoreText: NUL becomes U+FFFD
            default: out.append(b)
            }
        }
    }
}
