/// HTML to plain text for snippets: tags removed (block tags become spaces), `script`, `style`, `head` and
/// comments dropped, the common character entities decoded.
enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "br", "div", "tr", "td", "th", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "blockquote", "pre", "section", "article", "header", "footer", "body", "html", "title", "center", "dd", "dt",
    ]
    static let droppedContent: Set<String> = ["script", "style", "head", "title"]
    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "©", "reg": "®",
        "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "rsquo": "’", "lsquo": "‘", "ldquo": "“",
        "rdquo": "”", "euro": "€", "zwnj": "", "zwj": "", "shy": "", "bull": "•", "middot": "·", "laquo": "«",
        "raquo": "»", "eacute": "é", "egrave": "è", "agrave": "à", "auml": "ä", "ouml": "ö", "uuml": "ü",
        "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "ccedil": "ç",
    ]

    static func plainText(_ html: String) -> String {
        let s = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar = i + 1 < s.count ? s[i + 1] : " "
            if c == "<", next.properties.isAlphabetic || next == "/" || next == "!" || next == "?" {
                if startsWith(s, i, "<!--") {
                    i = find(s, from: i + 4, "-->").map { $0 + 3 } ?? s.count
                    continue
                }
                let tagEnd = s[i...].firstIndex(of: ">") ?? s.count
                var nameStart = i + 1
                if nameStart < s.count, s[nameStart] == "/" { nameStart += 1 }
                var name = ""
                var k = nameStart
                while k < tagEnd, s[k].properties.isAlphabetic || ("0"..."9").contains(s[k]) {
                    name.unicodeScalars.append(s[k])
                    k += 1
                }
                name = name.lowercased()
                let closing = nameStart > i + 1
                i = min(tagEnd + 1, s.count)
                if !closing, droppedContent.contains(name), let close = find(s, from: i, "</" + name) {
                    i = (s[close...].firstIndex(of: ">") ?? s.count - 1) + 1
                }
                if blockTags.contains(name) { out.append(" ") }
                continue
            }
            if c == "&", let semi = s[(i + 1)..<min(s.count, i + 12)].firstIndex(of: ";") {
                let name = String(String.UnicodeScalarView(s[(i + 1)..<semi]))
                if let decoded = entity(name) {
                    out.append(contentsOf: decoded.unicodeScalars)
                    i = semi + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    static func entity(_ name: String) -> String? {
        if let e = entities[name] ?? entities[name.lowercased()] { return e }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value: UInt32? = digits.first == "x" || digits.first == "X"
            ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        guard let v = value, let u = Unicode.Scalar(v), v != 0 else { return nil }
        return String(u)
    }

    @inline(__always) private static func lower(_ u: Unicode.Scalar) -> UInt32 {
        (0x41...0x5A).contains(u.value) ? u.value | 0x20 : u.value
    }

    private static func startsWith(_ s: [Unicode.Scalar], _ i: Int, _ p: String) -> Bool {
        var k = i
        for u in p.unicodeScalars {
            guard k < s.count, lower(s[k]) == lower(u) else { return false }
            k += 1
        }
        return true
    }

    private static func find(_ s: [Unicode.Scalar], from: Int, _ p: String) -> Int? {
        guard let first = p.unicodeScalars.first else { return nil }
        var i = from
        while i < s.count {
            if lower(s[i]) == lower(first), startsWith(s, i, p) { return i }
            i += 1
        }
        return nil
    }
}
