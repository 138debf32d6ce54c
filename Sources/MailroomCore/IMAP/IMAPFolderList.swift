/// One `* LIST` answer: the name as the server spells it (modified UTF-7), decoded, and its attributes.
public struct IMAPListedFolder: Sendable, Equatable {
    /// Name on the wire (modified UTF-7).
    public var wireName: String
    /// Decoded name (the wire name itself when it does not decode).
    public var name: String
    /// Attributes, as sent (`\Sent`, `\Noselect`, `\HasNoChildren`).
    public var attributes: [String]
    public var delimiter: String?

    public init(wireName: String, attributes: [String], delimiter: String? = "/") {
        self.wireName = wireName
        self.name = ModifiedUTF7.decode(wireName) ?? wireName
        self.attributes = attributes
        self.delimiter = delimiter
    }

    /// Reads the values of an untagged `LIST (attrs) "delim" name`; nil when it is not one.
    public init?(listValues v: [IMAPValue]) {
        guard v.count >= 4, v[0].atom?.uppercased() == "LIST", let attrs = v[1].list,
              let raw = v[3].text else { return nil }
        let delimiter: String?
        if case .nilValue = v[2] { delimiter = nil } else { delimiter = v[2].text }
        self.init(wireName: raw, attributes: attrs.compactMap { $0.atom }, delimiter: delimiter)
    }

    public func has(_ attribute: String) -> Bool {
        attributes.contains { $0.lowercased() == attribute.lowercased() }
    }

    public var selectable: Bool { !has("\\Noselect") && !has("\\NonExistent") }
}

/// Which folders a mailbox reads: INBOX, the Sent folder (by `\Sent`, else a usual name) and the named ones.
public enum IMAPFolderChoice {
    public static let sentFallbacks = ["Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent",
                                       "INBOX/Sent", "[Google Mail]/Sent Mail"]

    /// The Sent folder: the first selectable `\Sent` folder, else the first usual name present.
    public static func sentFolder(_ listed: [IMAPListedFolder]) -> IMAPListedFolder? {
        if let f = listed.first(where: { $0.has("\\Sent") && $0.selectable }) { return f }
        for name in sentFallbacks {
            if let f = listed.first(where: { $0.name.lowercased() == name.lowercased() && $0.selectable }) { return f }
        }
        return nil
    }

    /// Gmail's All Mail folder: the first selectable folder with the RFC 6154 special-use attribute `\All`. Found by
    /// the attribute only, as its name is localized (`[Gmail]/All Mail`, `[Google Mail]/All Mail`,
    /// `[Gmail]/Tous les messages`).
    public static func allMailFolder(_ listed: [IMAPListedFolder]) -> IMAPListedFolder? {
        listed.first { $0.has("\\All") && $0.selectable }
    }

    /// Why `allMail: true` cannot read a server: it lacks Gmail's labels, or lists no `\All` folder.
    public enum AllMailProblem: Error, Sendable {
        case noLabels, noAllFolder

        /// The line `mailbox test` and the extract both give, naming the server as `server` ("the server", "the
        /// server at HOST:PORT").
        public func message(server: String) -> String {
            switch self {
            case .noLabels:
                return "'allMail' needs Gmail's labels, and \(server) does not offer X-GM-EXT-1; remove 'allMail' or check 'host'"
            case .noAllFolder:
                return "\(server) lists no All Mail folder (no folder with the special-use attribute \\All); tick 'Show in IMAP' for All Mail in Gmail's label settings, or remove 'allMail'"
            }
        }
    }

    /// The folder `allMail: true` reads (`allMailFolder`) on a server that offers Gmail's labels (`gmail`), or why
    /// there is none.
    public static func allMail(_ listed: [IMAPListedFolder], gmail: Bool) -> Result<IMAPListedFolder, AllMailProblem> {
        guard gmail else { return .failure(.noLabels) }
        return allMailFolder(listed).map { .success($0) } ?? .failure(.noAllFolder)
    }

    /// Why a listed folder is not correspondence: its SPECIAL-USE attribute (`\Drafts`, `\Junk`, `\Trash`),
    /// else its name (`LeftOutReason.forFolder`), unless it is INBOX or the `\Sent` folder.
    public static func leftOutReason(_ f: IMAPListedFolder) -> LeftOutReason? {
        if f.has("\\Sent") || f.name.uppercased() == "INBOX" { return nil }
        return LeftOutReason.forSpecialUse(f.attributes) ?? LeftOutReason.forFolder(f.name)
    }

    /// The folders to read, in order, without repeats, and the requested names that do not exist.
    /// `requested` empty means INBOX and Sent; otherwise the names given (`\Sent` stands for the Sent folder).
    /// A named folder that is drafts, junk, trash or outbox (`leftOutReason`) is left out unless its reason is
    /// in `include`; `leftOut` lists those.
    public static func choose(listed: [IMAPListedFolder], requested: [String], include: Set<LeftOutReason> = [])
        -> (folders: [IMAPListedFolder], missing: [String])
    {
        let all = chooseAll(listed: listed, requested: requested)
        let kept = all.folders.filter { f in leftOutReason(f).map { include.contains($0) } ?? true }
        return (kept, all.missing)
    }

    /// The named folders that `choose` leaves out, with the reason.
    public static func leftOut(listed: [IMAPListedFolder], requested: [String], include: Set<LeftOutReason> = [])
        -> [(folder: IMAPListedFolder, reason: LeftOutReason)]
    {
        chooseAll(listed: listed, requested: requested).folders.compactMap { f in
            leftOutReason(f).flatMap { include.contains($0) ? nil : (f, $0) }
        }
    }

    private static func chooseAll(listed: [IMAPListedFolder], requested: [String])
        -> (folders: [IMAPListedFolder], missing: [String])
    {
        var out: [IMAPListedFolder] = []
        var missing: [String] = []
        func add(_ f: IMAPListedFolder) { if !out.contains(where: { $0.wireName == f.wireName }) { out.append(f) } }
        let names = requested.isEmpty ? ["INBOX", "\\Sent"] : requested
        for name in names {
            if name == "\\Sent" {
                if let s = sentFolder(listed) { add(s) } else if !requested.isEmpty { missing.append("Sent") }
                continue
            }
            let match = listed.first { f in
                name.uppercased() == "INBOX" ? f.name.uppercased() == "INBOX" : (f.name == name || f.wireName == name)
            }
            if let match, match.selectable { add(match) } else { missing.append(name) }
        }
        return (out, missing)
    }

    /// A file-name-safe, reversible spelling of a folder name: ASCII letters, digits, `.`, `_` and `-` stay,
    /// everything else becomes `%XX` of its UTF-8 bytes (`Sent Items` → `Sent%20Items`).
    public static func safeName(_ folder: String) -> String {
        var out = ""
        for b in folder.utf8 {
            let c = Unicode.Scalar(b)
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x5F || b == 0x2D || (b == 0x2E && !out.isEmpty) {
                out.unicodeScalars.append(c)
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(b >> 4)])\(hex[Int(b & 0xF)])"
            }
        }
        return out
    }
}
