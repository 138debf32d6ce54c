/// One copy of a message identity: where it was seen.
public struct CopyRef: JSONRecord, Equatable {
    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var flags: [String]

    public init(copyId: String, mailbox: String, folder: String, flags: [String]) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.folder = folder
        self.flags = flags
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "copy")
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        flags = try o.stringArray("flags")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("flags", flags)
        w.endObject()
    }
}

/// `dedupe/messages.ndjson` — grain: one line per message identity (first copy's fields, plus every copy).
/// Schema `dedupe.messages/1`.
public struct DedupedMessage: JSONRecord, Equatable {
    public static let schema = "dedupe.messages/1"

    /// Identity key: `mid:<messageId>`; `mid:<messageId>#<hash12>` for a second, different message that reuses a
    /// Message-ID; `hash:<contentHash>` when the message has no usable Message-ID.
    public var key: String
    /// The first copy's normalized fields.
    public var message: NormalizedMessage
    /// Every copy, first one included, in input order.
    public var copies: [CopyRef]

    public init(key: String, message: NormalizedMessage, copies: [CopyRef]) {
        self.key = key
        self.message = message
        self.copies = copies
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        key = try o.string("key")
        copies = try o.array("copies", CopyRef.init(json:))
        message = try NormalizedMessage(json: json)
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("key", key)
        message.writeFields(&w)
        w.field("copies", copies)
        w.endObject()
    }

    /// The line `DedupedMessage(key:message:copies:).writeJSON` writes, built from the message's own
    /// `normalize/messages.ndjson` line without decoding it: `{"key":…,` + the line's fields + `,"copies":[…]}`.
    /// Equal to encoding the decoded record because `NormalizedMessage` lines are written by `writeJSON` (fixed
    /// key order, compact, the same escapes) and decoding then encoding such a line gives back its bytes. Nil
    /// when the line does not look like one `writeJSON` wrote (then decode and encode instead).
    public static func jsonLine(key: String, messageLine line: UnsafeRawBufferPointer, copies: [CopyRef],
                                into w: inout JSONWriter) -> Bool {
        let head = Self.messageLineHead
        guard line.count > head.count + 1, line[line.count - 1] == UInt8(ascii: "}"),
              line.starts(with: head) else { return false }
        w.reset()
        w.beginObject()
        w.field("key", key)
        w.appendRaw(UInt8(ascii: ","))
        w.appendRaw(UnsafeRawBufferPointer(rebasing: line[1..<(line.count - 1)]))
        w.field("copies", copies)
        w.endObject()
        return true
    }

    private static let messageLineHead = Array(#"{"copyId":""#.utf8)
}

/// `dedupe/duplicates.ndjson` — grain: one line per message copy dropped as a repeat of an identity already
/// kept. Schema `dedupe.duplicates/1`.
public struct DroppedCopy: JSONRecord, Equatable {
    public static let schema = "dedupe.duplicates/1"

    public var copyId: String
    public var mailbox: String
    public var folder: String
    /// The identity it repeats.
    public var key: String
    /// `same-message-id` or `same-content-hash`.
    public var reason: String

    public init(copyId: String, mailbox: String, folder: String, key: String, reason: String) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.folder = folder
        self.key = key
        self.reason = reason
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        key = try o.string("key")
        reason = try o.string("reason")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("key", key)
        w.field("reason", reason)
        w.endObject()
    }
}

/// One email address saved on a contact, normalized like message addresses.
public struct ContactEmail: JSONRecord, Equatable {
    /// As written in the contacts file.
    public var raw: String
    /// Canonical address (see `Address.address`); nil when `raw` is not a usable address.
    public var address: String?
    /// Matching key (see `Address.key`).
    public var key: String?
    /// The key with provider folding applied: `+tag` removed; for gmail.com/googlemail.com dots removed and the
    /// domain made gmail.com. Equal to `key` when nothing folds.
    public var foldedKey: String?
    /// Why `raw` is unusable, when it is.
    public var issue: String?

    public init(raw: String, address: String?, key: String?, foldedKey: String?, issue: String?) {
        self.raw = raw
        self.address = address
        self.key = key
        self.foldedKey = foldedKey
        self.issue = issue
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "email")
        raw = try o.string("raw")
        address = try o.optionalString("address")
        key = try o.optionalString("key")
        foldedKey = try o.optionalString("foldedKey")
        issue = try o.optionalString("issue")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("raw", raw)
        w.field("address", address)
        w.field("key", key)
        w.field("foldedKey", foldedKey)
        w.field("issue", issue)
        w.endObject()
    }
}

/// `dedupe/contacts.ndjson` — grain: one line per contact row of the contacts file, in file order.
/// Schema `dedupe.contacts/1`. The first email is the contact's primary one.
public struct Contact: JSONRecord, Equatable {
    public static let schema = "dedupe.contacts/1"

    public var id: String
    public var name: String
    public var emails: [ContactEmail]
    /// 1-based line of the contacts file the row came from.
    public var line: Int

    public init(id: String, name: String, emails: [ContactEmail], line: Int) {
        self.id = id
        self.name = name
        self.emails = emails
        self.line = line
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        id = try o.string("id")
        name = try o.string("name")
        emails = try o.array("emails", ContactEmail.init(json:))
        line = try o.int("line")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("name", name)
        w.field("emails", emails)
        w.field("line", line)
        w.endObject()
    }
}

/// Why two contacts look like one person.
public struct ContactGroupReason: JSONRecord, Equatable {
    /// `same-address`, `case-variant`, `gmail-dots`, `googlemail-domain`, `plus-tag`, `idn-variant`.
    public var reason: String
    /// The shared (folded) address key.
    public var key: String
    /// The addresses as written on the contacts involved.
    public var addresses: [String]

    public init(reason: String, key: String, addresses: [String]) {
        self.reason = reason
        self.key = key
        self.addresses = addresses
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "reason")
        reason = try o.string("reason")
        key = try o.string("key")
        addresses = try o.stringArray("addresses")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("reason", reason)
        w.field("key", key)
        w.field("addresses", addresses)
        w.endObject()
    }
}

/// `dedupe/contact-groups.ndjson` — grain: one line per group of contacts that look like duplicates of each
/// other. Schema `dedupe.contact-groups/1`. Nothing is merged: the group is a finding for a person.
public struct ContactGroup: JSONRecord, Equatable {
    public static let schema = "dedupe.contact-groups/1"

    /// `g<n>`, numbered in order of the group's first contact in the file.
    public var groupId: String
    /// Contact ids, in file order.
    public var contactIds: [String]
    public var reasons: [ContactGroupReason]

    public init(groupId: String, contactIds: [String], reasons: [ContactGroupReason]) {
        self.groupId = groupId
        self.contactIds = contactIds
        self.reasons = reasons
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        groupId = try o.string("groupId")
        contactIds = try o.stringArray("contactIds")
        reasons = try o.array("reasons", ContactGroupReason.init(json:))
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("groupId", groupId)
        w.field("contactIds", contactIds)
        w.field("reasons", reasons)
        w.endObject()
    }
}

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
        w.field("key", key)
        w.field("messageId", messageId)
        w.field("date", date)
        w.field("subject", subject)
        w.field("baseSubject", baseSubject)
        w.field("inReplyTo", inReplyTo)
        w.field("references", references)
        w.endObject()
    }
}

/// The fields of a `normalize/messages.ndjson` line that deduplication reads: where the copy is and its identity
/// (Message-ID, content hash). A read-only view of `NormalizedMessage`: decoding skips the other fields.
public struct NormalizedIdentityFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = ["copyId", "mailbox", "folder", "flags", "messageId", "contentHash"]

    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var flags: [String]
    public var messageId: String?
    public var contentHash: String

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        flags = try o.stringArray("flags")
        messageId = try o.optionalString("messageId")
        contentHash = try o.string("contentHash")
    }

    /// The same fields as `NormalizedMessage.writeJSON` writes them, in its order.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("flags", flags)
        w.field("messageId", messageId)
        w.field("contentHash", contentHash)
        w.endObject()
    }
}
