/// Where a mailbox's messages come from.
public enum SourceKind: String, Sendable, CaseIterable {
    case mbox, maildir, eml, imap
}

/// Where one message copy's bytes are: a byte range of a file below the mailbox's root (for `imap`, below the
/// run directory's `extract/raw/<mailbox>/`). Maildir and .eml files are whole files: offset 0, their length.
/// An mbox copy's range is the message after its From_ line (a single-file mbox mailbox names that file itself:
/// `file` is its name, resolved beside the root). Keys in order: `file`, `offset`, `length`, then `unquote`
/// only when true.
public struct Locator: JSONRecord, Equatable, Hashable {
    public var file: String
    public var offset: Int
    public var length: Int
    /// mbox only: the range holds `>From ` quoted lines, and one `>` must be removed from every line matching
    /// `^>+From ` to get the message back (mboxrd/mboxo). False for Content-Length-delimited messages and for
    /// ranges with no quoted line. Written only when true.
    public var unquote: Bool

    public init(file: String, offset: Int, length: Int, unquote: Bool = false) {
        self.file = file
        self.offset = offset
        self.length = length
        self.unquote = unquote
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "locator")
        file = try o.string("file")
        offset = try o.int("offset")
        length = try o.int("length")
        unquote = o.has("unquote") ? try o.bool("unquote") : false
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("file", file)
        w.field("offset", offset)
        w.field("length", length)
        if unquote { w.field("unquote", true) }
        w.endObject()
    }
}

/// IMAP coordinates of a copy.
public struct IMAPCoordinates: JSONRecord, Equatable, Hashable {
    public var uidValidity: Int
    public var uid: Int
    /// Gmail's X-GM-MSGID when the server offers it.
    public var gmMsgId: String?

    public init(uidValidity: Int, uid: Int, gmMsgId: String? = nil) {
        self.uidValidity = uidValidity
        self.uid = uid
        self.gmMsgId = gmMsgId
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "imap")
        uidValidity = try o.int("uidValidity")
        uid = try o.int("uid")
        gmMsgId = try o.optionalString("gmMsgId")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("uidValidity", uidValidity)
        w.field("uid", uid)
        w.field("gmMsgId", gmMsgId)
        w.endObject()
    }
}

/// `extract/messages.ndjson` — grain: one line per message copy found in the backfill window (the same message
/// in two folders is two lines). Schema `extract.messages/1`.
public struct MessageCopy: JSONRecord, Equatable {
    public static let schema = "extract.messages/1"

    /// Stable id of the copy, unique within a run: `<mailbox>/<folder>/<key>`, the key being the Maildir unique
    /// name, the .eml file's path, IMAP's `<uidvalidity>-<uid>`, or for mbox the message's identity
    /// (`MboxCopyIdentity`: it follows the message when the file is compacted, unlike its offset).
    public var copyId: String
    /// The pipeline's name for the mailbox this copy came from.
    public var mailbox: String
    public var source: SourceKind
    /// Folder the copy sits in ("INBOX", "Sent", "Archive/2024"); for a single mbox file, its file name.
    public var folder: String
    public var locator: Locator
    /// Flags the source records (Maildir letters or IMAP flags), as lower-case names: seen, replied, flagged,
    /// draft, trashed, passed.
    public var flags: [String]
    /// IMAP with `allMail` (Gmail): the message's labels (X-GM-LABELS, decoded: `\Inbox`, `\Sent`, `Customers`),
    /// the folders it shows in. Written only when set (nil for every other source).
    public var labels: [String]?
    /// The message's own date (Date header, else the mbox From_ line / IMAP INTERNALDATE), ISO 8601 UTC;
    /// nil when none could be read (such copies are kept: normalize flags them).
    public var date: String?
    /// IMAP only.
    public var imap: IMAPCoordinates?
    /// IMAP only: the size the server announced (RFC822.SIZE) for a message over the message size limit. Its
    /// body was not fetched: the locator is empty and normalize quarantines the copy as `too-large` without
    /// reading bytes. Written only when set.
    public var tooLarge: Int?

    public init(copyId: String, mailbox: String, source: SourceKind, folder: String, locator: Locator,
                flags: [String] = [], labels: [String]? = nil, date: String?, imap: IMAPCoordinates? = nil,
                tooLarge: Int? = nil) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.source = source
        self.folder = folder
        self.locator = locator
        self.flags = flags
        self.labels = labels
        self.date = date
        self.imap = imap
        self.tooLarge = tooLarge
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        let s = try o.string("source")
        guard let kind = SourceKind(rawValue: s) else { throw JSONError("field \"source\" has unknown value \(s)") }
        source = kind
        folder = try o.string("folder")
        locator = try Locator(json: o.fields["locator"] ?? .null)
        flags = try o.stringArray("flags")
        labels = o.has("labels") ? try o.stringArray("labels") : nil
        date = try o.optionalString("date")
        imap = try o.optionalObject("imap").map { try IMAPCoordinates(json: .object($0.fields)) }
        tooLarge = o.has("tooLarge") ? try o.int("tooLarge") : nil
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("source", source.rawValue)
        w.field("folder", folder)
        w.key("locator"); locator.writeJSON(&w)
        w.field("flags", flags)
        if let labels { w.field("labels", labels) }
        w.field("date", date)
        w.field("imap", imap)
        if let tooLarge { w.field("tooLarge", tooLarge) }
        w.endObject()
    }
}
