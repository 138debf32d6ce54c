/// Gmail's `X-GM-LABELS` FETCH item (Gmail IMAP extensions, `X-GM-EXT-1`): the labels of a message, as a
/// parenthesised list of astrings: system labels as flag-like atoms or quoted strings (`\Inbox`, `"\\Sent"`,
/// `\Important`, `\Starred`, `\Draft`), user labels as atoms, quoted strings or literals, in modified UTF-7 like
/// folder names (`"Project &AOk-t&AOk-"` is `Project été`). `NIL` or `()` is no label.
public enum IMAPGmailLabels {
    /// The labels of an `X-GM-LABELS` value, decoded (modified UTF-7; a name that does not decode stays as sent),
    /// in the server's order without repeats. Anything but a list of atoms and strings (or NIL) is a protocol error.
    public static func parse(_ value: IMAPValue) throws -> [String] {
        let items: [IMAPValue]
        switch value {
        case .nilValue: return []
        case .list(let l): items = l
        default: throw IMAPProtocolError("X-GM-LABELS is not a list")
        }
        var out: [String] = []
        for item in items {
            let raw: String
            switch item {
            case .atom(let a): raw = a
            case .string(let b): raw = String(decoding: b, as: UTF8.self)
            case .nilValue, .list: throw IMAPProtocolError("X-GM-LABELS holds something that is not a label")
            }
            let label = ModifiedUTF7.decode(raw) ?? raw
            if !label.isEmpty, !out.contains(label) { out.append(label) }
        }
        return out
    }

    /// Gmail's draft label (`\Draft`; any case): the message is a draft, neither sent nor received.
    public static func isDraft(_ labels: [String]) -> Bool {
        labels.contains { let l = $0.lowercased(); return l == "\\draft" || l == "\\drafts" }
    }
}
