/// Makes IMAP protocol lines safe for debug logs: LOGIN and AUTHENTICATE arguments, SASL continuation data and
/// message literals never appear.
public enum IMAPRedaction {
    /// A command line as sent (`TAG VERB args`): LOGIN/AUTHENTICATE keep only tag and verb.
    public static func command(_ line: String) -> String {
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        // A single token is no command Mailroom sends: it may be SASL data after a continuation.
        guard words.count >= 2 else { return "<redacted>" }
        let verb = words[1].uppercased()
        if verb == "LOGIN" || verb == "AUTHENTICATE" { return "\(words[0]) \(verb) <redacted>" }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    /// A response for debug logs: the first line only, at most 200 characters (literals are message bytes).
    public static func response(_ bytes: [UInt8]) -> String {
        var end = bytes.firstIndex(of: 13) ?? bytes.firstIndex(of: 10) ?? bytes.count
        end = min(end, 200)
        return String(decoding: bytes[..<end], as: UTF8.self) + (end < bytes.count - 2 ? " …" : "")
    }
}
