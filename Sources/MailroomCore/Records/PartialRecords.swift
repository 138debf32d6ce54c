// Read-only views of NDJSON records: the few fields one reader needs, declared in `decodedKeys` so that
// `NDJSONReader` skips the others without building them. Each view writes its fields as the full record does,
// in its key order; `OptimizedOutputTests` checks that a view reads the same values as the full record.

/// The fields of a `dedupe/messages.ndjson` line that threading reads (see `ThreadInput`). A read-only view of
/// `DedupedMessage`: decoding skips the other fields (addresses, copies, snippet) without building them.
public struct DedupedThreadFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["key", "messageId", "date", "subject", "baseSubject", "inReplyTo",
                                                   "references"]

    public var key: String
    public var messageId: String?
    public var date: String?
    public var subject: String
    public var baseSubject: String
    public var inReplyTo: [String]
    public var references: [String]

    public init(key: String, messageId: String?, date: String?, subject: String, baseSubject: String,
                inReplyTo: [String], references: [String]) {
        self.key = key
        self.messageId = messageId
        self.date = date
        self.subject = subject
        self.baseSubject = baseSubject
        self.inReplyTo = inReplyTo
        self.references = references
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        key = try o.string("key")
        messageId = try o.optionalString("messageId")
        date = try o.optionalString("date")
        subject = try o.string("subject")
        baseSubject = try o.string("baseSubject")
        inReplyTo = try o.stringArray("inReplyTo")
        references = try o.stringArray("references")
    }

    /// The same fields as `DedupedMessage.writeJSON` writes them, in its order.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeFields(&w)
        w.endObject()
    }

    func writeFields(_ w: inout JSONWriter) {
        w.field("key", key)
        w.field("messageId", messageId)
        w.field("date", date)
        w.field("subject", subject)
        w.field("baseSubject", baseSubject)
        w.field("inReplyTo", inReplyTo)
        w.field("references", references)
    }
}

/// The fields of a `normalize/messages.ndjson` line that deduplication reads: where the copy is and its identity
/// (Message-ID, content hash). A read-only view of `NormalizedMessage`: decoding skips the other fields.
public struct NormalizedIdentityFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["copyId", "mailbox", "folder", "flags", "labels", "messageId",
                                                          "contentHash"]

    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var flags: [String]
    public var labels: [String]?
    public var messageId: String?
    public var contentHash: String

    // No initializer in the body: the memberwise one is synthesized (for `NormalizedIdentityFieldsReader`).

    /// The same fields as `NormalizedMessage.writeJSON` writes them, in its order.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeFields(&w)
        w.endObject()
    }

    /// The fields without the enclosing braces, so that views reading more of the line (dedupe's first pass) can
    /// reuse them.
    public func writeFields(_ w: inout JSONWriter) {
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("flags", flags)
        if let labels { w.field("labels", labels) }
        w.field("messageId", messageId)
        w.field("contentHash", contentHash)
    }
}

extension NormalizedIdentityFields {
    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        self.init(copyId: try o.string("copyId"), mailbox: try o.string("mailbox"), folder: try o.string("folder"),
                  flags: try o.stringArray("flags"), labels: o.has("labels") ? try o.stringArray("labels") : nil,
                  messageId: try o.optionalString("messageId"), contentHash: try o.string("contentHash"))
    }
}

/// Where one copy of a message identity is: the part of `CopyRef` the report reads.
public struct CopyPlace: Sendable, Equatable {
    public var mailbox: String
    public var folder: String

    public init(mailbox: String, folder: String) {
        self.mailbox = mailbox
        self.folder = folder
    }
}

/// The fields of a `dedupe/messages.ndjson` line that the dry-run report reads (see `ReportBuilder.add(message:)`).
/// A read-only view of `DedupedMessage`: decoding skips addresses, ids, subject, snippet and copies' ids and flags.
public struct DedupedReportFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["date", "direction", "bulk", "issues", "copies"]

    public var date: String?
    public var direction: Direction
    public var bulk: [String]
    public var issues: [String]
    public var copies: [CopyPlace]

    public init(date: String?, direction: Direction, bulk: [String], issues: [String], copies: [CopyPlace]) {
        self.date = date
        self.direction = direction
        self.bulk = bulk
        self.issues = issues
        self.copies = copies
    }

    /// The same fields of a whole record.
    public init(_ d: DedupedMessage) {
        self.init(date: d.message.date, direction: d.message.direction, bulk: d.message.bulk, issues: d.message.issues,
                  copies: d.copies.map { CopyPlace(mailbox: $0.mailbox, folder: $0.folder) })
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        date = try o.optionalString("date")
        direction = try o.direction("direction")
        bulk = try o.stringArray("bulk")
        issues = try o.stringArray("issues")
        copies = try o.array("copies") { v in
            let c = try JSONObject(v, what: "copy")
            return CopyPlace(mailbox: try c.string("mailbox"), folder: try c.string("folder"))
        }
    }

    /// The same fields as `DedupedMessage.writeJSON` writes them, in its order (copies with mailbox and folder).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("date", date)
        writeFieldsAfterDate(&w)
        w.endObject()
    }

    func writeFieldsAfterDate(_ w: inout JSONWriter) {
        w.field("direction", direction.rawValue)
        w.field("bulk", bulk)
        w.field("issues", issues)
        w.key("copies")
        w.beginArray()
        for c in copies {
            w.beginObject()
            w.field("mailbox", c.mailbox)
            w.field("folder", c.folder)
            w.endObject()
        }
        w.endArray()
    }
}

/// What match's first pass reads of a `dedupe/messages.ndjson` line in a run: threading's fields
/// (`DedupedThreadFields`) and the dry-run report's (`DedupedReportFields`), in one pass over the line, so that
/// the report does not read the whole file again (see `PipelineRunner.threadAssignment`).
public struct DedupedThreadReportFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = DedupedThreadFields.decodedKeys!.union(DedupedReportFields.decodedKeys!)

    public var thread: DedupedThreadFields
    public var report: DedupedReportFields

    public init(thread: DedupedThreadFields, report: DedupedReportFields) {
        self.thread = thread
        self.report = report
    }

    public init(json: JSONValue) throws {
        thread = try DedupedThreadFields(json: json)
        report = try DedupedReportFields(json: json)
    }

    /// Both views' fields as `DedupedMessage.writeJSON` writes them, in its order (`date` once).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        thread.writeFields(&w)
        report.writeFieldsAfterDate(&w)
        w.endObject()
    }
}

/// The fields of a `dedupe/messages.ndjson` line that the matcher reads (see `Matcher.add`): key, first copy's
/// mailbox, date, subject, the envelope addresses, direction, bulk and the copies' mailboxes. A read-only view of
/// `DedupedMessage`: decoding skips ids, references, issues, snippet and copies' ids, folders and flags.
public struct DedupedMatchFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["key", "mailbox", "date", "subject", "from", "sender", "replyTo",
                                                   "to", "cc", "bcc", "direction", "bulk", "copies"]

    public var key: String
    public var mailbox: String
    public var date: String?
    public var subject: String
    public var from: [Address]
    public var sender: Address?
    public var replyTo: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var bcc: [Address]
    public var direction: Direction
    public var bulk: [String]
    /// The mailbox of every copy, in input order.
    public var copyMailboxes: [String]

    /// The same fields of a whole record.
    public init(_ d: DedupedMessage) {
        let m = d.message
        key = d.key
        mailbox = m.mailbox
        date = m.date
        subject = m.subject
        from = m.from
        sender = m.sender
        replyTo = m.replyTo
        to = m.to
        cc = m.cc
        bcc = m.bcc
        direction = m.direction
        bulk = m.bulk
        copyMailboxes = d.copies.map(\.mailbox)
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        key = try o.string("key")
        mailbox = try o.string("mailbox")
        date = try o.optionalString("date")
        subject = try o.string("subject")
        from = try o.array("from", Address.init(json:))
        sender = try o.optionalObject("sender").map { try Address(json: .object($0.fields)) }
        replyTo = try o.array("replyTo", Address.init(json:))
        to = try o.array("to", Address.init(json:))
        cc = try o.array("cc", Address.init(json:))
        bcc = try o.array("bcc", Address.init(json:))
        direction = try o.direction("direction")
        bulk = try o.stringArray("bulk")
        copyMailboxes = try o.array("copies") { try JSONObject($0, what: "copy").string("mailbox") }
    }

    /// Every address on the envelope headers, in the order of `NormalizedMessage.allAddresses`.
    public var allAddresses: [(role: String, address: Address)] {
        Address.envelope(from: from, sender: sender, replyTo: replyTo, to: to, cc: cc, bcc: bcc)
    }

    /// The same fields as `DedupedMessage.writeJSON` writes them, in its order (copies with their mailbox only).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("key", key)
        w.field("mailbox", mailbox)
        w.field("date", date)
        w.field("subject", subject)
        w.field("from", from)
        w.field("sender", sender)
        w.field("replyTo", replyTo)
        w.field("to", to)
        w.field("cc", cc)
        w.field("bcc", bcc)
        w.field("direction", direction.rawValue)
        w.field("bulk", bulk)
        w.key("copies")
        w.beginArray()
        for m in copyMailboxes {
            w.beginObject()
            w.field("mailbox", m)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

/// The fields of a `match/links.ndjson` line that the dry-run report reads. A read-only view of `ParticipantLink`.
public struct LinkReportFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["address", "ambiguous"]

    public var address: String
    public var ambiguous: [String]

    public init(address: String, ambiguous: [String]) {
        self.address = address
        self.ambiguous = ambiguous
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        address = try o.string("address")
        ambiguous = try o.stringArray("ambiguous")
    }

    /// The same fields as `ParticipantLink.writeJSON` writes them, in its order.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("address", address)
        w.field("ambiguous", ambiguous)
        w.endObject()
    }
}

/// The fields of a `dedupe/contacts.ndjson` line that the dry-run report reads: the matching key of each saved
/// email. A read-only view of `Contact`: decoding skips id, name, line and the emails' other fields.
public struct ContactReportFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["emails"]

    /// `ContactEmail.key` of each email, in order (nil for an unusable one).
    public var emailKeys: [String?]

    public init(emailKeys: [String?]) { self.emailKeys = emailKeys }

    /// The same fields of a whole record.
    public init(_ c: Contact) { emailKeys = c.emails.map(\.key) }

    /// Whether any saved email is a usable address.
    public var hasAddress: Bool { emailKeys.contains { $0 != nil } }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        emailKeys = try o.array("emails") { try JSONObject($0, what: "email").optionalString("key") }
    }

    /// The same fields as `Contact.writeJSON` writes them, in its order (emails with their key only).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("emails")
        w.beginArray()
        for k in emailKeys {
            w.beginObject()
            w.field("key", k)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
