/// Reply prefixes on a decoded subject (`Re:`, `AW:`, `SV:`, `Re[2]:`, `回复：`, ...), optionally after
/// mailing-list tags such as `[team]`. Used to decide whether a message without In-Reply-To/References may join a
/// thread by subject. Forward prefixes (`Fwd:`, `FW:`, `WG:`, `TR:`, `转发：`...) do not count: a forward without
/// thread headers starts a new conversation, usually with other people (as in JWZ's and mutt's subject rules).
public enum SubjectPrefix {
    /// Reply prefix words, lower-cased, in the languages mail clients commonly write.
    static let words: Set<String> = [
        "re", "aw", "sv", "vs", "antw", "rif", "r", "odp", "res", "ynt", "回复", "答复", "回覆", "返信",
    ]

    /// True when the subject starts (after white space and `[list]` tags) with a reply prefix.
    public static func isReply(_ subject: String) -> Bool {
        var text = subject
        return text.withUTF8 { ASCIIBytes.isASCII($0) ? isReply(ascii: $0) : isReply(characters: subject) }
    }

    /// `isReply` of ASCII bytes. Each Character is one byte but CR LF, which is white space like both of its
    /// bytes and neither a letter, a digit, a space nor a bracket, so byte by byte decides the same.
    static func isReply(ascii c: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = c.count
        var i = 0
        while true {
            while i < n, ByteLines.isSpace(c[i]) { i += 1 }
            guard i < n, c[i] == 0x5B, let close = (i..<n).first(where: { c[$0] == 0x5D }) else { break }
            i = close + 1
        }
        guard let (word, wordEnd) = ASCIIBytes.lowercasedWord(c, at: i, end: n, maxLength: longestASCIIWord),
              asciiWords.contains(word), var r = ASCIIBytes.afterReplyCounter(c, wordEnd, end: n) else { return false }
        while r < n, c[r] == 0x20 { r += 1 }
        return r < n && c[r] == 0x3A
    }

    /// The ASCII reply words, and the longest.
    private static let asciiWords = words.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
    private static let longestASCIIWord = asciiWords.map(\.utf8.count).max() ?? 0

    /// `isReply` by Characters.
    static func isReply(characters subject: String) -> Bool {
        var s = Substring(subject)
        while true {
            s = s.drop(while: \.isWhitespace)
            guard s.first == "[", let close = s.firstIndex(of: "]") else { break }
            s = s[s.index(after: close)...]
        }
        let word = s.prefix(while: \.isLetter)
        guard !word.isEmpty, word.count <= 6, words.contains(word.lowercased()) else { return false }
        var rest = s[word.endIndex...]
        // A reply counter: `Re[2]:`, `Re(2):`, `Re^2:`.
        if let open = rest.first, open == "[" || open == "(" || open == "^" {
            let digits = rest.dropFirst().prefix(while: \.isNumber)
            guard !digits.isEmpty else { return false }
            rest = rest.dropFirst(1 + digits.count)
            if open != "^" {
                guard let c = rest.first, c == (open == "[" ? "]" : ")") else { return false }
                rest = rest.dropFirst()
            }
        }
        rest = rest.drop { $0 == " " }
        return rest.first == ":" || rest.first == "\u{FF1A}"
    }
}
