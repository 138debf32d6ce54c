/// How much a mailing list (or a Google Group, or a journaling rewrite) decorated one copy of a message, so that
/// a message with several copies shows the copy as its author sent it: the copy with the lowest score, the
/// earliest in input order among equals, whatever order the copies came in.
///
/// - 2 for list headers: the copy's bulk reasons (see `NormalizedMessage.bulk`) include `list-id`,
///   `list-unsubscribe` or `precedence` (`Precedence: list`, `bulk` or `junk`);
/// - 1 for a subject tag: the subject, after any reply prefixes, starts with `[…]` followed by more text
///   (`[support] Order 1142`, `Re: [support] Order 1142`).
///
/// A list's footer is not scored: it changes the body, and with it the content hash, but the headers that come
/// with it already tell the copies apart.
public enum CopyDecoration {
    public static let listHeaders: Set<String> = ["list-id", "list-unsubscribe", "precedence"]

    /// 0 (none) to 3.
    public static func score(subject: String, bulk: [String]) -> UInt8 {
        var score: UInt8 = 0
        if !bulk.isEmpty, bulk.contains(where: listHeaders.contains) { score += 2 }
        if hasSubjectTag(subject) { score += 1 }
        return score
    }

    /// The subject starts, after any reply or forward prefixes, with a bracketed tag followed by more text.
    public static func hasSubjectTag(_ subject: String) -> Bool {
        guard subject.utf8.contains(UInt8(ascii: "[")) else { return false }
        var s = Substring(subject)
        while true {
            s = s.drop { $0 == " " || $0 == "\t" }
            if s.first == "[" {
                guard let close = s.prefix(120).firstIndex(of: "]") else { return false }
                return s[s.index(after: close)...].contains { !$0.isWhitespace }
            }
            guard let rest = BaseSubject.strippedPrefix(s) else { return false }
            s = rest
        }
    }
}
