/// The thread-grouping form of a subject: reply/forward prefixes and list tags removed, white space collapsed,
/// lower-cased. `Re: [list] Fwd: Re[2]: Hello  World` → `hello world`.
enum BaseSubject {
    /// Prefix words in many languages: Re, Fwd, Fw, AW/WG (de), SV/VS (nordic), Antw (nl), Ref/Réf (fr),
    /// TR (fr), R/I/RIF (it), Odp (pl), Enc/Res (pt), RV (es).
    static let prefixes: Set<String> = [
        "re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "ref", "réf", "tr", "r", "i", "rif", "odp", "enc", "res",
        "rv",
    ]

    static func of(_ subject: String) -> String {
        let collapsed = HeaderText.collapsingWhiteSpace(subject)
        return collapsed.isASCII ? ofCollapsedASCII(collapsed) : ofCollapsed(collapsed)
    }

    /// `of` after the first collapse, by Characters.
    static func ofCollapsed(_ collapsed: String) -> String {
        var s = Substring(collapsed)
        while true {
            s = s.drop { $0 == " " }
            if s.first == "[", let close = s.prefix(120).firstIndex(of: "]") {
                let rest = s[s.index(after: close)...]
                // A subject that is only `[...]` (`[Fwd: Hello]`) is unwrapped instead of dropped.
                s = rest.allSatisfy(\.isWhitespace) ? s[s.index(after: s.startIndex)..<close] : rest
                continue
            }
            guard let rest = strippedPrefix(s) else { break }
            s = rest
        }
        return HeaderText.collapsingWhiteSpace(String(s)).lowercased()
    }

    /// `s` without one leading `word[.][ [n] | (n) | ^n ] :`, or nil when it does not start with a known prefix.
    static func strippedPrefix(_ s: Substring) -> Substring? {
        let word = s.prefix(while: isLetter)
        guard !word.isEmpty, prefixes.contains(word.lowercased()) else { return nil }
        var rest = s[word.endIndex...]
        if rest.first == "." { rest = rest.dropFirst() }
        if let open = rest.first, open == "[" || open == "(" || open == "^" {
            let digits = rest.dropFirst().prefix(while: isNumber)
            guard !digits.isEmpty else { return nil }
            rest = rest[digits.endIndex...]
            if open != "^" {
                guard rest.first == (open == "[" ? "]" : ")") else { return nil }
                rest = rest.dropFirst()
            }
        }
        rest = rest.drop { $0 == " " }
        guard rest.first == ":" || rest.first == "：" else { return nil }
        return rest.dropFirst()
    }

    /// `ofCollapsed` of collapsed ASCII text, by bytes: there each Character is one byte (collapsed text holds
    /// no CR), the only white space is a single space between words, and no prefix word holds a byte above 0x7F.
    static func ofCollapsedASCII(_ collapsed: String) -> String {
        var text = collapsed
        return text.withUTF8 { c -> String in
            var lo = 0, hi = c.count
            while true {
                while lo < hi, c[lo] == 0x20 { lo += 1 }
                if lo < hi, c[lo] == 0x5B, let close = (lo..<min(hi, lo + 120)).first(where: { c[$0] == 0x5D }) {
                    // A subject that is only `[...]` is unwrapped instead of dropped, as above.
                    if (close + 1..<hi).allSatisfy({ c[$0] == 0x20 }) { (lo, hi) = (lo + 1, close) } else { lo = close + 1 }
                    continue
                }
                guard let rest = strippedPrefix(c, lo, hi) else { break }
                lo = rest
            }
            // A slice of collapsed text: collapsing it again trims its ends, then lower-case.
            while lo < hi, c[lo] == 0x20 { lo += 1 }
            while hi > lo, c[hi - 1] == 0x20 { hi -= 1 }
            return String(unsafeUninitializedCapacity: hi - lo) { out in
                for k in lo..<hi { out[k - lo] = ByteLines.lowerASCII(c[k]) }
                return hi - lo
            }
        }
    }

    /// The ASCII prefix words, and the longest.
    private static let asciiPrefixes = prefixes.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
    private static let longestASCIIPrefix = asciiPrefixes.map(\.utf8.count).max() ?? 0

    /// `strippedPrefix` over ASCII bytes `c[lo..<hi]`: where the rest starts, or nil.
    static func strippedPrefix(_ c: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int? {
        guard let (word, wordEnd) = ASCIIBytes.lowercasedWord(c, at: lo, end: hi, maxLength: longestASCIIPrefix),
              asciiPrefixes.contains(word) else { return nil }
        var i = wordEnd
        if i < hi, c[i] == 0x2E { i += 1 }
        guard var r = ASCIIBytes.afterReplyCounter(c, i, end: hi) else { return nil }
        while r < hi, c[r] == 0x20 { r += 1 }
        guard r < hi, c[r] == 0x3A else { return nil }
        return r + 1
    }

    /// `Character.isLetter`, answered for ASCII without the Unicode property lookup.
    static func isLetter(_ c: Character) -> Bool {
        if let a = c.asciiValue { return ASCIIBytes.isLetter(a) }
        return c.isLetter
    }

    /// `Character.isNumber`, answered for ASCII without the Unicode property lookup.
    static func isNumber(_ c: Character) -> Bool {
        if let a = c.asciiValue { return ASCIIBytes.isDigit(a) }
        return c.isNumber
    }
}
