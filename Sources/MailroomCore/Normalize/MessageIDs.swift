/// Message-ID normalization, one way everywhere: without `<>`, surrounding white space and comments, the part
/// after the last `@` lower-cased (the local part is case-sensitive).
public enum MessageIDs {
    /// One id, with or without `<>`; nil when it is not usable (empty, no `@`, white space or controls inside).
    public static func normalize(_ raw: String) -> String? {
        guard raw.isASCII else { return normalizeGeneral(raw) }
        var s = raw
        return s.withUTF8 { normalizeASCII($0) }
    }

    /// Every id in a References or In-Reply-To value, in order, duplicates removed. Tolerant of free text
    /// (`In-Reply-To: Your message of ... <id@host>`), missing brackets and an unterminated last id.
    public static func parseList(_ raw: String) -> [String] {
        guard raw.isASCII else { return parseListGeneral(raw) }
        var s = raw
        return s.withUTF8 { parseListASCII($0) }
    }

    /// `normalize` for any text, by Characters.
    static func normalizeGeneral(_ raw: String) -> String? {
        var s = withoutComments(raw).trimmingWhiteSpace()
        if let open = s.firstIndex(of: "<") {
            let after = s[s.index(after: open)...]
            s = String(after.prefix { $0 != ">" })
        }
        return canonical(s)
    }

    /// `parseList` for any text, by Characters.
    static func parseListGeneral(_ raw: String) -> [String] {
        let text = withoutComments(raw)
        var out: [String] = []
        var seen = Set<String>()
        func add(_ candidate: Substring) {
            if let id = canonical(String(candidate)), seen.insert(id).inserted { out.append(id) }
        }
        if text.contains("<") {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "<") {
                rest = rest[rest.index(after: open)...]
                // Closed when a `>` comes before any other `<` (one scan, so a run of `<` stays linear).
                if let close = rest.firstIndex(where: { $0 == ">" || $0 == "<" }), rest[close] == ">" {
                    add(rest[..<close])
                    rest = rest[rest.index(after: close)...]
                } else {
                    // QUIRK: unterminated id (`<abc@host` at the end or before the next `<`).
                    add(rest.prefix { !$0.isWhitespace && $0 != "<" && $0 != "," })
                }
            }
        } else {
            // QUIRK: ids written without brackets, separated by white space or commas.
            for piece in text.split(whereSeparator: { $0.isWhitespace || $0 == "," }) where piece.contains("@") {
                add(piece)
            }
        }
        return out
    }

    /// The canonical id of bracket content, or nil.
    static func canonical(_ content: String) -> String? {
        var s = content.trimmingWhiteSpace()
        // QUIRK: `<9209252113.AA00975@ ebony >`: white space around the `@` is dropped.
        if hasBlankBesideAt(s) { s = droppingBlanksBesideAt(s) }
        guard let at = s.lastIndex(of: "@"), at != s.startIndex, s.index(after: at) != s.endIndex else { return nil }
        for u in s.unicodeScalars {
            if String.isWhiteSpace(u) || u.value < 0x20 || u.value == 0x7F || u == "<" || u == ">" { return nil }
        }
        let local = s[..<at]
        let domain = s[s.index(after: at)...].lowercased()
        return String(local) + "@" + domain
    }

    /// `s` without every run of space and tab Characters next to an `@` Character: what replacing ` @`, `@ `,
    /// `\t@` and `@\t` by `@` until none is left gives, in one pass (the repeated replacing was quadratic in
    /// the run's length).
    static func droppingBlanksBesideAt(_ s: String) -> String {
        let chars = Array(s)
        var out = ""
        var k = 0
        while k < chars.count {
            guard chars[k] == " " || chars[k] == "\t" else {
                out.append(chars[k])
                k += 1
                continue
            }
            var j = k
            while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
            if !((k > 0 && chars[k - 1] == "@") || (j < chars.count && chars[j] == "@")) { out += String(chars[k..<j]) }
            k = j
        }
        return out
    }

    /// Whether the UTF-8 holds a space or tab right before or after an `@`: a cheap byte test that must hold for
    /// any of the (costlier) substring searches in `canonical` to match.
    static func hasBlankBesideAt(_ s: String) -> Bool {
        var prev: UInt8 = 0
        for c in s.utf8 {
            if c == 0x40, prev == 0x20 || prev == 0x09 { return true }
            if prev == 0x40, c == 0x20 || c == 0x09 { return true }
            prev = c
        }
        return false
    }

    /// The text with RFC 5322 comments (outside quotes and angle brackets) removed.
    static func withoutComments(_ raw: String) -> String {
        guard raw.contains("(") else { return raw }
        var out = String.UnicodeScalarView()
        var depth = 0, inAngle = false, inQuote = false
        for u in raw.unicodeScalars {
            if depth == 0 {
                if u == "\"" && !inAngle { inQuote.toggle() }
                if u == "<" && !inQuote { inAngle = true }
                if u == ">" { inAngle = false }
                if u == "(" && !inAngle && !inQuote { depth = 1; out.append(" "); continue }
                out.append(u)
            } else if u == "(" {
                depth += 1
            } else if u == ")" {
                depth -= 1
            }
        }
        return String(out)
    }
}
