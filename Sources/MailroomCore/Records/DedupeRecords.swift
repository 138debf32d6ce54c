/// One copy of a message identity: where it was seen.
public struct CopyRef: JSONRecord, Equatable {
    public var copyId: String
    public var mailbox: String
    public var folder: String
    public var flags: [String]
    /// The copy's Gmail labels (`MessageCopy.labels`); written only when set.
    public var labels: [String]?

    public init(copyId: String, mailbox: String, folder: String, flags: [String], labels: [String]? = nil) {
        self.copyId = copyId
        self.mailbox = mailbox
        self.folder = folder
        self.flags = flags
        self.labels = labels
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "copy")
        copyId = try o.string("copyId")
        mailbox = try o.string("mailbox")
        folder = try o.string("folder")
        flags = try o.stringArray("flags")
        labels = o.has("labels") ? try o.stringArray("labels") : nil
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("copyId", copyId)
        w.field("mailbox", mailbox)
        w.field("folder", folder)
        w.field("flags", flags)
        if let labels { w.field("labels", labels) }
        w.endObject()
    }
}

/// `dedupe/messages.ndjson` — grain: one line per message identity (the fields of the copy it shows, plus every
/// copy), at the position of that copy in normalize's order. Schema `dedupe.messages/1`.
///
/// The copy shown is the one without list decoration when there is one: the copy with the fewest of list headers
/// (List-Id, List-Unsubscribe, Precedence) and a `[tag]` before the subject, the earliest in input order among
/// equals (see `CopyDecoration`). A message received directly and through a mailing list shows the direct copy's
/// subject, snippet and bulk reasons, whichever came first.
public struct DedupedMessage: JSONRecord, Equatable {
    public static let schema = "dedupe.messages/1"

    /// Identity key: `mid:<messageId>`; `mid:<messageId>#<hash12>` for a second, different message that reuses a
    /// Message-ID (another sender or another date; `hash12` from its first copy's hash); `hash:<contentHash>` when
    /// the message has no usable Message-ID. See `MessageDeduplicator`.
    public var key: String
    /// The normalized fields of the copy the message shows (see above).
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
/// kept: every copy of a message after its first in input order (it is still one of the message's `copies`, and
/// may be the copy the message shows). Schema `dedupe.duplicates/1`.
public struct DroppedCopy: JSONRecord, Equatable {
    public static let schema = "dedupe.duplicates/1"

    public var copyId: String
    public var mailbox: String
    public var folder: String
    /// The identity it repeats.
    public var key: String
    /// Why it is the same message (see `MessageDeduplicator`): `same-message-id` (same Message-ID and content
    /// hash as the message's first copy), `list-or-transport-copy` (same Message-ID, sender and date, other
    /// content: a mailing list's or another route's copy), or `same-content-hash` (no Message-ID, same hash).
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

    /// Values equal byte for byte are kept as one string: an email's raw text, address, key and folded key are
    /// mostly the same, and a CRM's contacts are held whole while a run reads them (20,000 store contacts are ~86,000
    /// strings otherwise).
    public init(raw: String, address: String?, key: String?, foldedKey: String?, issue: String?) {
        self.raw = raw
        self.address = Self.shared(address, raw)
        self.key = Self.shared(key, self.address, raw)
        self.foldedKey = Self.shared(foldedKey, self.key, self.address)
        self.issue = issue
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "email")
        self.init(raw: try o.string("raw"), address: try o.optionalString("address"), key: try o.optionalString("key"),
                  foldedKey: try o.optionalString("foldedKey"), issue: try o.optionalString("issue"))
    }

    /// `s`, or the first of `earlier` with the same bytes (`==` would also join canonically equivalent spellings,
    /// which are other bytes).
    static func shared(_ s: String?, _ earlier: String?...) -> String? {
        guard let s else { return nil }
        for e in earlier {
            if let e, e.utf8.count == s.utf8.count, e.utf8.elementsEqual(s.utf8) { return e }
        }
        return s
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
