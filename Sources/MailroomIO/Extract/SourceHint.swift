import MailroomCore

/// A hint for "this is not a <kind>" errors: what the folder looks like instead, so the message says which
/// `source:` to set. Looks only at the folder and its direct subfolders.
enum SourceHint {
    static func hint(for dir: String, not configured: SourceKind) -> String {
        guard let looks = guess(dir), looks != configured else { return "" }
        return " (it looks like \(describe(looks)): set `source: \(looks.rawValue)`)"
    }

    static func guess(_ dir: String) -> SourceKind? {
        if MaildirSource.isMaildir(dir) { return .maildir }
        var ignored = SkippedFiles(mailbox: "", root: dir)
        guard let entries = try? FileTree.entries(dir, invalidNames: &ignored) else { return nil }
        var sawEml = false, sawMbox = false
        for e in entries where !e.name.hasPrefix(".") || e.kind == .directory {
            let path = FileTree.join(dir, e.name)
            switch e.kind {
            case .directory where MaildirSource.isMaildir(path):
                return .maildir
            case .regular:
                if EmlSource.isEml(e.name) { sawEml = true }
                if MboxSource.hasMboxExtension(e.name) { sawMbox = true }
            default:
                continue
            }
        }
        return sawEml ? .eml : sawMbox ? .mbox : nil
    }

    private static func describe(_ k: SourceKind) -> String {
        switch k {
        case .mbox: return "a folder of mbox files"
        case .maildir: return "a Maildir"
        case .eml: return "a folder of .eml files"
        case .imap: return "an IMAP mailbox"
        }
    }
}
