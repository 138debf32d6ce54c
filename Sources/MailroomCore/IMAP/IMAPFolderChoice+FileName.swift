import Crypto

extension IMAPFolderChoice {
    /// Longest `fileName(_:)`, in bytes. The raw files add `-<uidvalidity>` (at most 21 bytes) and
    /// `.copies.ndjson`, well within the 255 bytes a file name may have, with room for temporary suffixes.
    public static let maxFileNameBytes = 120

    /// The part of a raw file's name that names its folder: `safeName(folder)` when it fits in
    /// `maxFileNameBytes`; else its longest prefix that ends on a whole character of the folder name and
    /// fits, then `~` and the first 16 hex digits of the SHA-256 of the folder's UTF-8 bytes, so distinct
    /// folders stay distinct (`~` never occurs in `safeName`, so such a name cannot equal an unshortened one).
    /// A Cyrillic name of 40 letters is 240 bytes of `safeName` (each letter is 2 UTF-8 bytes, `%XX` each).
    public static func fileName(_ folder: String) -> String {
        let safe = safeName(folder)
        guard safe.utf8.count > maxFileNameBytes else { return safe }
        let hex = Array("0123456789abcdef")
        let digest = SHA256.hash(data: Array(folder.utf8)).prefix(8)
        let suffix = "~" + String(digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0xF)]] })
        let budget = maxFileNameBytes - suffix.utf8.count
        // `safeName` spells each UTF-8 byte on its own (1 or 3 bytes), so a prefix of the folder name is spelled
        // by a prefix of `safe`: keep whole scalars while they fit.
        var kept = 0
        var first = true
        for scalar in folder.unicodeScalars {
            var width = 0
            for b in String(scalar).utf8 {
                let plain = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == 0x5F || b == 0x2D || (b == 0x2E && !first)
                width += plain ? 1 : 3
                first = false
            }
            guard kept + width <= budget else { break }
            kept += width
        }
        return String(decoding: safe.utf8.prefix(kept), as: UTF8.self) + suffix
    }
}
