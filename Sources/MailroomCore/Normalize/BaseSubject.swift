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
        var s = Substring(HeaderText.collapsingWhiteSpace(subject))
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
