/// Builds IMAP command texts (without tag and CRLF). Pure; folder names are encoded to modified UTF-7 and quoted.
public enum IMAPCommand {
    /// A quoted string: `"` and `\` escaped. Callers pass ASCII (mailbox names are modified UTF-7).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" || c == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// A mailbox argument: `INBOX` stays as it is, others are modified UTF-7, quoted.
    public static func mailbox(_ name: String) -> String {
        name.uppercased() == "INBOX" ? "INBOX" : quoted(ModifiedUTF7.encode(name))
    }

    /// A UID set with runs collapsed: `[1,2,3,5,7,8]` → `1:3,5,7:8`.
    public static func uidSet(_ uids: [UInt64]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i]):\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// EXAMINE (read-only open) of a folder by its wire name (modified UTF-7, as LIST gave it). A name with CR,
    /// LF or NUL (a server can send one in a literal) cannot be quoted: it would end the command and start
    /// another, so it is refused.
    public static func examine(wireName: String) throws -> String {
        if hasLineBreakOrNUL(wireName) {
            throw IMAPProtocolError("the folder name \"\(TerminalText.escaped(wireName))\" holds a line break or NUL, which no IMAP command can carry")
        }
        return "EXAMINE \(wireName.uppercased() == "INBOX" ? "INBOX" : quoted(wireName))"
    }

    /// CR, LF or NUL: what a quoted string can never carry (RFC 9051 `QUOTED-CHAR`).
    public static func hasLineBreakOrNUL(_ s: String) -> Bool {
        s.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    /// LIST with the special-use attributes when the server has SPECIAL-USE (RFC 6154), else plain LIST.
    public static func list(specialUse: Bool) -> String {
        specialUse ? "LIST \"\" \"*\" RETURN (SPECIAL-USE)" : "LIST \"\" \"*\""
    }

    /// UIDs of messages the server dates on or after the day before `start` (filter on INTERNALDATE after).
    public static func searchSince(start: Int64) -> String {
        "UID SEARCH SINCE \(IMAPDate.searchSince(epoch: start))"
    }

    /// UIDs above `uid` (the server always returns the highest message for `n:*`: filter the answer).
    public static func searchAbove(uid: UInt64) -> String { "UID SEARCH UID \(uid + 1):*" }

    public static func searchAll() -> String { "UID SEARCH ALL" }

    /// Which of `uids` the folder still holds (to tell a message expunged meanwhile from one left out).
    public static func searchUIDs(_ uids: [UInt64]) -> String { "UID SEARCH UID \(uidSet(uids))" }

    /// Listing: size and date without the body. `labels` (Gmail's All Mail) adds X-GM-LABELS, so drafts are known
    /// before any body is fetched.
    public static func fetchListing(_ uids: [UInt64], gmail: Bool, labels: Bool = false) -> String {
        "UID FETCH \(uidSet(uids)) (UID RFC822.SIZE INTERNALDATE\(gmailItems(gmail, labels)))"
    }

    /// Whole messages without setting \Seen; `labels` adds X-GM-LABELS.
    public static func fetchBodies(_ uids: [UInt64], gmail: Bool, labels: Bool = false) -> String {
        "UID FETCH \(uidSet(uids)) (UID RFC822.SIZE INTERNALDATE FLAGS\(gmailItems(gmail, labels)) BODY.PEEK[])"
    }

    private static func gmailItems(_ gmail: Bool, _ labels: Bool) -> String {
        (gmail ? " X-GM-MSGID" : "") + (gmail && labels ? " X-GM-LABELS" : "")
    }

    /// The Message-ID header and size, to re-identify messages after a UIDVALIDITY change.
    public static func fetchMessageIDs(_ uids: [UInt64]) -> String {
        "UID FETCH \(uidSet(uids)) (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
    }
}
