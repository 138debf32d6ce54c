/// Quotes a word for a POSIX shell so that a command printed for a person to copy runs as shown: a word of only
/// safe characters stays as it is, anything else is put in single quotes (a `'` inside as `'\''`).
public enum ShellQuote {
    public static func word(_ s: String) -> String {
        if !s.isEmpty, s.unicodeScalars.allSatisfy(isSafe) { return s }
        var out = "'"
        for c in s { out += c == "'" ? "'\\''" : String(c) }
        return out + "'"
    }

    /// Words quoted and joined with spaces.
    public static func command(_ words: [String]) -> String { words.map(word).joined(separator: " ") }

    private static func isSafe(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "@", "+", ",", "=", "%": return true
        default: return false
        }
    }
}
