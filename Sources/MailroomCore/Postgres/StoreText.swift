/// Text as a store keeps it. PostgreSQL's `text` rejects NUL bytes and invalid UTF-8, so both are replaced before
/// any store sees them, the same way for SQLite and PostgreSQL: an ill-formed UTF-8 sequence becomes one U+FFFD
/// per maximal invalid subpart (Unicode's recommended practice, as Swift decodes), and each NUL becomes U+FFFD.
public enum StoreText {
    public static let replacement: Character = "\u{FFFD}"

    /// Bytes from mail, decoded as UTF-8 with the replacements above.
    public static func normalized<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let s = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(0) ? replacingNUL(s) : s
    }

    /// A Swift string (always valid UTF-8) with each NUL replaced; the same string when it has none.
    public static func normalized(_ s: String) -> String {
        needsNormalizing(s) ? replacingNUL(s) : s
    }

    /// Whether `normalized(s)` differs from `s`.
    public static func needsNormalizing(_ s: String) -> Bool {
        // Over the contiguous UTF-8 of a native string (the SQLite load binds every text value through this).
        s.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? s.utf8.contains(0)
    }

    private static func replacingNUL(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars { scalars.append(u.value == 0 ? "\u{FFFD}" : u) }
        return String(scalars)
    }
}
