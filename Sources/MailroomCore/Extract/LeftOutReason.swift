/// Why a message copy is not correspondence and is left out of a run by default: drafts never sent, junk,
/// deleted mail and mail still waiting to be sent. A mailbox's `includeFolders` names the reasons to import
/// anyway.
public enum LeftOutReason: String, Sendable, CaseIterable, Comparable {
    case drafts, junk, trash, outbox

    public static func < (a: LeftOutReason, b: LeftOutReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The reason a folder is left out, from its name (case-insensitive), else nil. A folder is left out when
    /// any part of its path is one of the usual names: `Trash`, `[Gmail]/Spam`, `Archive/Deleted Items`,
    /// Maildir++ `INBOX.Trash` and OfflineIMAP's `[Gmail].Trash` (parts split at `/`, and at `.` too), and
    /// Thunderbird's `Trash.sbd/Old` (a folder deleted into the Trash).
    public static func forFolder(_ name: String) -> LeftOutReason? {
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            if let r = names[part.lowercased()] { return r }
            guard part.contains(".") else { continue }
            for sub in part.split(separator: ".", omittingEmptySubsequences: true) {
                if let r = names[sub.lowercased()] { return r }
            }
        }
        return nil
    }

    /// The reason from a copy's flags: a Maildir `D` (draft) or `T` (trashed: deleted, waiting for expunge)
    /// flag, and the same IMAP flags.
    public static func forFlags(_ flags: [String]) -> LeftOutReason? {
        if flags.contains("draft") { return .drafts }
        if flags.contains("trashed") || flags.contains("deleted") { return .trash }
        return nil
    }

    /// The reason from Thunderbird's `X-Mozilla-Status` (its message flags in 4 hex digits): a message marked
    /// expunged (0x0008) was deleted or moved to the Trash and stays in the mbox file until the folder is
    /// compacted, as Maildir's `T` flag does.
    public static func forMozillaStatus(_ raw: [UInt8]) -> LeftOutReason? {
        guard let flags = UInt32(String(decoding: raw, as: UTF8.self), radix: 16) else { return nil }
        return flags & 0x0008 != 0 ? .trash : nil
    }

    /// The reason from an IMAP folder's SPECIAL-USE attributes (RFC 6154: `\Drafts`, `\Junk`, `\Trash`).
    public static func forSpecialUse(_ attributes: [String]) -> LeftOutReason? {
        for a in attributes {
            switch a.lowercased() {
            case "\\drafts": return .drafts
            case "\\junk": return .junk
            case "\\trash": return .trash
            default: continue
            }
        }
        return nil
    }

    /// Usual names, lower-cased. English as Gmail (`[Gmail]/…`, `[Google Mail]/…` parts split at `/`), Outlook
    /// and Exchange (`Deleted Items`, `Junk E-mail`, `Junk Email`, `Outbox`), Apple Mail (`Deleted Messages`,
    /// `Junk`), Thunderbird (`Drafts`, `Junk`, `Trash`, `Unsent Messages` = its outbox), Yahoo (`Bulk Mail`),
    /// Dovecot and Courier (`INBOX.Trash`, `.Trash`) name them; German as Outlook (`Entwürfe`, `Junk-E-Mail`,
    /// `Gelöschte Elemente`, `Postausgang`) and Gmail (`Papierkorb`) write them.
    static let names: [String: LeftOutReason] = [
        "drafts": .drafts, "draft": .drafts, "entwürfe": .drafts,
        "junk": .junk, "spam": .junk, "junk e-mail": .junk, "junk email": .junk, "junk mail": .junk,
        "bulk mail": .junk, "junk-e-mail": .junk,
        "trash": .trash, "deleted items": .trash, "deleted messages": .trash, "bin": .trash,
        "papierkorb": .trash, "gelöschte elemente": .trash,
        "outbox": .outbox, "unsent messages": .outbox, "postausgang": .outbox,
    ]
}
