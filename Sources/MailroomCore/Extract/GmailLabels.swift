/// The labels of a message from a Gmail export: Google Takeout writes them in an `X-Gmail-Labels` header, as a
/// CSV line (a label holding a comma is in double quotes; non-ASCII labels are RFC 2047 encoded words), e.g.
/// `X-Gmail-Labels: Inbox,Important,Opened,Category Updates,Clients/Acme`; getmail writes IMAP-style labels
/// (`"\\Sent"`). Takeout writes system labels in the account's language (`Posteingang` for Inbox in German).
///
/// A message's folders are its labels except those that only describe it (`Opened`, `Unread`, `Important`,
/// `Starred`, `Category …`, and the IMAP keywords a client set, which Gmail keeps as labels and Takeout writes as
/// `IMAP_$Forwarded`, `IMAP_$NotJunk`, `IMAP_Junk`, `IMAP_$MailFlagBit0`): `Inbox` → `INBOX`, `Sent` → `Sent`,
/// user labels as they are (nested with `/`).
/// `Archived` (Takeout's mark for mail out of the Inbox) is a folder only when no other folder label is left;
/// no folder at all → `All Mail`. Chat transcripts (`Chat`) stay in a folder `Chat`.
public struct GmailLabels: Sendable, Equatable {
    public var labels: [String]

    public init(labels: [String]) { self.labels = labels }

    /// Parses the header's raw (unfolded) value.
    public init(raw: [UInt8]) {
        var text = HeaderText.string(raw)
        if text.containsASCII("=?") {
            var issues = Set<IssueCode>()
            text = EncodedWords.decode(text, issues: &issues)
        }
        labels = Self.csv(text)
    }

    /// Why the message is left out when one of its labels is Spam, Trash or Drafts, else nil.
    public var leftOut: LeftOutReason? {
        var found: LeftOutReason?
        for l in labels {
            switch Self.canonical(l) {
            case "trash": return .trash
            case "spam": found = found ?? .junk
            case "drafts": found = found ?? .drafts
            default: continue
            }
        }
        return found
    }

    /// The folder of a message left out for `reason` (`Drafts`, `Spam`, `Trash`, `Outbox`): its only copy's
    /// folder when `includeFolders` imports it anyway, as Gmail shows spam and trash only there.
    public static func folder(of reason: LeftOutReason) -> String {
        switch reason {
        case .drafts: return "Drafts"
        case .junk: return "Spam"
        case .trash: return "Trash"
        case .outbox: return "Outbox"
        }
    }

    /// The folders of the message's copies, in label order, without repeats.
    public var folders: [String] {
        var out: [String] = []
        var archived = false
        for l in labels {
            let c = Self.canonical(l)
            if c == "archived" { archived = true; continue }
            if Self.notFolders.contains(c) || Self.notFolderPrefixes.contains(where: c.hasPrefix) { continue }
            let name = Self.folderNames[c] ?? l
            if !out.contains(name) { out.append(name) }
        }
        if out.isEmpty { out.append(archived ? "Archived" : "All Mail") }
        return out
    }

    /// Lower-cased, without the IMAP-style backslash, localized system labels mapped to their English names.
    static func canonical(_ label: String) -> String {
        var l = label.lowercased()
        while l.hasPrefix("\\") { l.removeFirst() }
        return localized[l] ?? l
    }

    /// Labels that only describe a message (state, importance, tabs): never folders.
    static let notFolders: Set<String> = ["opened", "unread", "important", "starred", "all mail", "allmail"]

    /// Beginnings of labels that are never folders: Gmail's tabs (`Category Promotions`; German `Kategorie …`,
    /// French `Catégorie : …` with a no-break space) and IMAP keywords (`IMAP_…`).
    static let notFolderPrefixes = ["category ", "kategorie ", "catégorie", "imap_"]

    /// System labels' folder names.
    static let folderNames: [String: String] = ["inbox": "INBOX", "sent": "Sent", "spam": "Spam", "trash": "Trash",
                                                "drafts": "Drafts", "chat": "Chat"]

    /// System labels in other spellings: `Draft` (Takeout), `Junk`, `Sent Mail`, and German and French as
    /// Takeout writes them for an account in that language (French: `Boîte de réception`, `Non lus`, `Ouvert`,
    /// `Messages archivés`, RFC 2047 encoded).
    static let localized: [String: String] = [
        "draft": "drafts", "junk": "spam", "sent mail": "sent", "bin": "trash",
        "posteingang": "inbox", "gesendet": "sent", "entwürfe": "drafts", "papierkorb": "trash",
        "wichtig": "important", "geöffnet": "opened", "ungelesen": "unread", "markiert": "starred",
        "archiviert": "archived",
        "boîte de réception": "inbox", "messages envoyés": "sent", "brouillons": "drafts", "corbeille": "trash",
        "non lus": "unread", "ouvert": "opened", "suivis": "starred", "messages archivés": "archived",
        "archivés": "archived",
    ]

    /// The fields of one CSV line: separated by commas, trimmed; `"…"` quotes a field (`""` is a quote).
    static func csv(_ text: String) -> [String] {
        var out: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.append("\"") } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.allSatisfy(\.isWhitespace) {
                field = ""
                quoted = true
                wasQuoted = true
            } else if c == "," {
                append(&out, field, wasQuoted)
                field = ""
                wasQuoted = false
            } else {
                field.append(c)
            }
        }
        append(&out, field, wasQuoted)
        return out
    }

    private static func append(_ out: inout [String], _ field: String, _ quoted: Bool) {
        let f = quoted ? field : field.trimmingWhiteSpace()
        if !f.isEmpty { out.append(f) }
    }
}
