/// One normalized mailbox address.
///
/// `address` is the canonical form used everywhere for display and storage: the local part as written (NFC) and
/// the domain in lower-case ASCII (UTS-46 to ASCII). `key` is the matching key: `address` with the local part
/// lower-cased too (local parts are matched case-insensitively).
public struct Address: JSONRecord, Equatable, Hashable {
    public var address: String
    public var key: String
    public var local: String
    /// Lower-case ASCII (punycode) domain.
    public var domain: String
    /// The same domain in Unicode, for display.
    public var domainUnicode: String
    /// Decoded display name, when one was given.
    public var name: String?

    public init(address: String, key: String, local: String, domain: String, domainUnicode: String, name: String?) {
        self.address = address
        self.key = key
        self.local = local
        self.domain = domain
        self.domainUnicode = domainUnicode
        self.name = name
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "address")
        address = try o.string("address")
        key = try o.string("key")
        local = try o.string("local")
        domain = try o.string("domain")
        domainUnicode = try o.string("domainUnicode")
        name = try o.optionalString("name")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("address", address)
        w.field("key", key)
        w.field("local", local)
        w.field("domain", domain)
        w.field("domainUnicode", domainUnicode)
        w.field("name", name)
        w.endObject()
    }
}

extension Address {
    /// The envelope's addresses with their roles, in one fixed order: From, Sender, Reply-To, To, Cc, Bcc.
    public static func envelope(from: [Address], sender: Address?, replyTo: [Address], to: [Address], cc: [Address],
                                bcc: [Address]) -> [(role: String, address: Address)] {
        var out: [(role: String, address: Address)] = []
        out.reserveCapacity(from.count + replyTo.count + to.count + cc.count + bcc.count + 1)
        for a in from { out.append(("from", a)) }
        if let sender { out.append(("sender", sender)) }
        for a in replyTo { out.append(("reply-to", a)) }
        for a in to { out.append(("to", a)) }
        for a in cc { out.append(("cc", a)) }
        for a in bcc { out.append(("bcc", a)) }
        return out
    }
}

/// Sent by the mailbox owner, or received.
public enum Direction: String, Sendable {
    case sent, received
}

extension JSONObject {
    /// A `Direction` field: every record that carries one reads it here.
    func direction(_ key: String) throws -> Direction {
        let d = try string(key)
        guard let dir = Direction(rawValue: d) else { throw JSONError("field \"\(key)\" has unknown value \(d)") }
        return dir
    }
}

/// `normalize/messages.ndjson` — grain: one line per message copy that could be read (same order as
/// `extract/messages.ndjson`, quarantined copies left out). Schema `normalize.messages/1`.
public struct NormalizedMessage: JSONRecord, Equatable {
    public static let schema = "normalize.messages/1"

    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var flags: [String]
    /// The copy's Gmail labels (`MessageCopy.labels`); written only when set.
    public var labels: [String]?
    /// Normalized Message-ID: without angle brackets, domain part lower-cased; nil when missing or unusable.
    public var messageId: String?
    /// SHA-256 (hex) over the message's identity content: Date, From, To, Cc, Subject and the body with line
    /// endings normalized, so copies that differ only in transport headers or CRLF/LF share it.
    public var contentHash: String
    /// ISO 8601 UTC, nil when missing or unparseable (then `issues` says which).
    public var date: String?
    /// Decoded subject ("" when none).
    public var subject: String
    /// Subject with reply/forward prefixes and white space runs removed, lower-cased: for thread grouping.
    public var baseSubject: String
    public var from: [Address]
    public var sender: Address?
    public var replyTo: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var bcc: [Address]
    /// Normalized Message-IDs from In-Reply-To (usually one). The message's own id stays when named (threading
    /// ignores it, unless another message reused the id).
    public var inReplyTo: [String]
    /// Normalized Message-IDs from References, oldest first (the message's own id included when named).
    public var references: [String]
    public var direction: Direction
    /// Why the message counts as bulk or automated (empty when it is a person's mail): `list-unsubscribe`,
    /// `list-id`, `precedence`, `auto-submitted`, `delivery-report`, `noreply-sender`.
    public var bulk: [String]
    /// Problems that did not stop the message, as stable codes (`date-unparseable`, `date-missing`,
    /// `unknown-charset`, `header-limit`, `mime-depth-limit`, `part-limit`, `message-id-invalid`, ...).
    public var issues: [String]
    /// Size in bytes of the copy as stored in the source.
    public var size: Int
    /// Number of attachments (parts with a filename or Content-Disposition: attachment).
    public var attachments: Int
    /// Up to 200 characters of the first text part, white space collapsed.
    public var snippet: String

    public init(copyId: String, mailbox: String, folder: String, flags: [String], messageId: String?,
                contentHash: String, date: String?, subject: String, baseSubject: String, from: [Address],
                sender: Address?, replyTo: [Address], to: [Address], cc: [Address], bcc: [Address],
                inReplyTo: [String], references: [String], direction: Direction, bulk: [String], issues: [String],
                size: Int, attachments: Int, snippet: String, labels: [String]? = nil) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.folder = folder
        self.flags = flags
        self.labels = labels
        self.messageId = messageId
        self.contentHash = contentHash
        self.date = date
        self.subject = subject
        self.baseSubject = baseSubject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.references = references
        self.direction = direction
        self.bulk = bulk
        self.issues = issues
        self.size = size
        self.attachments = attachments
        self.snippet = snippet
    }

    /// Every address on the message's envelope headers (From, Sender, Reply-To, To, Cc, Bcc), in that order.
    public var allAddresses: [(role: String, address: Address)] {
        Address.envelope(from: from, sender: sender, replyTo: replyTo, to: to, cc: cc, bcc: bcc)
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        flags = try o.stringArray("flags")
        labels = o.has("labels") ? try o.stringArray("labels") : nil
        messageId = try o.optionalString("messageId")
        contentHash = try o.string("contentHash")
        date = try o.optionalString("date")
        subject = try o.string("subject")
        baseSubject = try o.string("baseSubject")
        from = try o.array("from", Address.init(json:))
        sender = try o.optionalObject("sender").map { try Address(json: .object($0.fields)) }
        replyTo = try o.array("replyTo", Address.init(json:))
        to = try o.array("to", Address.init(json:))
        cc = try o.array("cc", Address.init(json:))
        bcc = try o.array("bcc", Address.init(json:))
        inReplyTo = try o.stringArray("inReplyTo")
        references = try o.stringArray("references")
        direction = try o.direction("direction")
        bulk = try o.stringArray("bulk")
        issues = try o.stringArray("issues")
        size = try o.int("size")
        attachments = try o.int("attachments")
        snippet = try o.string("snippet")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeFields(&w)
        w.endObject()
    }

    /// The fields without the enclosing braces, so that records extending a message (dedupe) can reuse them.
    public func writeFields(_ w: inout JSONWriter) {
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("flags", flags)
        if let labels { w.field("labels", labels) }
        w.field("messageId", messageId)
        w.field("contentHash", contentHash)
        w.field("date", date)
        w.field("subject", subject)
        w.field("baseSubject", baseSubject)
        w.field("from", from)
        w.field("sender", sender)
        w.field("replyTo", replyTo)
        w.field("to", to)
        w.field("cc", cc)
        w.field("bcc", bcc)
        w.field("inReplyTo", inReplyTo)
        w.field("references", references)
        w.field("direction", direction.rawValue)
        w.field("bulk", bulk)
        w.field("issues", issues)
        w.field("size", size)
        w.field("attachments", attachments)
        w.field("snippet", snippet)
    }
}

/// `normalize/quarantine.ndjson` — grain: one line per message copy that could not be read. Schema
/// `normalize.quarantine/1`. The run goes on without it; the report counts them by `reason`.
public struct QuarantineRecord: JSONRecord, Equatable {
    public static let schema = "normalize.quarantine/1"

    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var locator: Locator
    /// Why (written as its raw value): `empty`, `not-a-message`, `binary-content`, `too-large`, `unreadable`.
    public var reason: IssueCode
    /// One line for a person: what was wrong, where.
    public var detail: String
    /// `too-large` only: the Message-ID and Date (ISO 8601 UTC) read from the header section, when it has them
    /// (the rest of the message is never read). Written only when present.
    public var messageId: String?
    public var date: String?

    public init(copyId: String, mailbox: String, folder: String, locator: Locator, reason: IssueCode, detail: String,
                messageId: String? = nil, date: String? = nil) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.folder = folder
        self.locator = locator
        self.reason = reason
        self.detail = detail
        self.messageId = messageId
        self.date = date
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        locator = try Locator(json: o.fields["locator"] ?? .null)
        let raw = try o.string("reason")
        guard let reason = IssueCode(rawValue: raw), reason.stage == .normalize, reason.effect == .leftOut else {
            throw JSONError("field \"reason\" is not a quarantine reason: \(raw)")
        }
        self.reason = reason
        detail = try o.string("detail")
        messageId = try o.optionalString("messageId")
        date = try o.optionalString("date")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.key("locator"); locator.writeJSON(&w)
        w.field("reason", reason.rawValue)
        w.field("detail", detail)
        if let messageId { w.field("messageId", messageId) }
        if let date { w.field("date", date) }
        w.endObject()
    }

    /// The record as a record issue: its reason, copy and detail.
    public var issue: RecordIssue {
        RecordIssue(reason, at: RecordIssue.Location(mailbox: mailbox, file: locator.file.isEmpty ? nil : locator.file,
                                                     copyId: copyId), detail)
    }
}
