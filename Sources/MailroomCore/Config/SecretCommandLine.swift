/// Splits the text after `cmd:` in a pipeline's `secret` into a program and its arguments, without a shell.
///
/// The rule (documented in the README, "IMAP and secrets"):
/// - words are separated by spaces and tabs;
/// - `'…'` keeps everything up to the next `'` as it is (no escapes inside);
/// - `"…"` keeps everything up to the next unescaped `"`; inside, `\"` is `"` and `\\` is `\`, any other
///   backslash is kept;
/// - outside quotes, `\` takes the next character as it is (`\ ` is a space inside a word);
/// - quoted and unquoted parts next to each other make one word (`--label="a b"` is `--label=a b`); `''` is an
///   empty word.
/// Nothing else is special: no `$VAR`, `~`, globs, pipes, `;` or redirections. A line break, a NUL, an unclosed
/// quote, a backslash at the end or no word at all is refused. Problems never quote the text: arguments may hold
/// something the user would rather not see printed.
public enum SecretCommandLine {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case unclosedQuote(Character)
        case trailingBackslash
        case lineBreakOrNUL

        public var description: String {
            switch self {
            case .empty: return "names no program"
            case .unclosedQuote(let q): return "has a \(q == "'" ? "single" : "double") quote that is not closed"
            case .trailingBackslash: return "ends with a backslash"
            case .lineBreakOrNUL: return "holds a line break or NUL character"
            }
        }
    }

    /// The words of `text` (program first), or why they cannot be read.
    public static func split(_ text: String) -> Result<[String], Problem> {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false  // a word has started, even if empty so far (`''`)
        var it = text.unicodeScalars.makeIterator()
        while let c = it.next() {
            switch c {
            case "\n", "\r", "\0":
                return .failure(.lineBreakOrNUL)
            case " ", "\t":
                if inWord { words.append(String(word)); word = String.UnicodeScalarView(); inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let q = it.next() {
                    if q == "\n" || q == "\r" || q == "\0" { return .failure(.lineBreakOrNUL) }
                    if q == "'" { closed = true; break }
                    word.append(q)
                }
                if !closed { return .failure(.unclosedQuote("'")) }
            case "\"":
                inWord = true
                var closed = false
                while let q = it.next() {
                    if q == "\n" || q == "\r" || q == "\0" { return .failure(.lineBreakOrNUL) }
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let n = it.next() else { break }
                        if n == "\n" || n == "\r" || n == "\0" { return .failure(.lineBreakOrNUL) }
                        if n != "\"" && n != "\\" { word.append(q) }
                        word.append(n)
                    } else {
                        word.append(q)
                    }
                }
                if !closed { return .failure(.unclosedQuote("\"")) }
            case "\\":
                guard let n = it.next() else { return .failure(.trailingBackslash) }
                if n == "\n" || n == "\r" || n == "\0" { return .failure(.lineBreakOrNUL) }
                inWord = true
                word.append(n)
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { words.append(String(word)) }
        guard let first = words.first, !first.isEmpty else { return .failure(.empty) }
        return .success(words)
    }
}
