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
