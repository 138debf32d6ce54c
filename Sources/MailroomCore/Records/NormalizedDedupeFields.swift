/// The fields of a `normalize/messages.ndjson` line that dedupe's first pass reads: where the copy is, its
/// identity (Message-ID, content hash, sender and date) and what tells a list's copy from the author's (subject
/// and bulk reasons, see `CopyDecoration`). A read-only view of `NormalizedMessage`: decoding skips the other
/// fields, and of the From addresses builds only their match keys. The second pass reads less
/// (`NormalizedIdentityFields`).
public struct NormalizedDedupeFields: JSONRecord, Equatable {
    public static let decodedKeys: Set<String>? = NormalizedIdentityFields.decodedKeys?
        .union(["date", "subject", "from", "bulk"])

    /// Where the copy is and its Message-ID and content hash: the part the second pass reads too.
    public var identity: NormalizedIdentityFields
    public var date: String?
    public var subject: String
    /// `Address.key` of each From address, in order.
    public var fromKeys: [String]
    public var bulk: [String]
    /// `CopyDecoration.score` of subject and bulk, computed where the fields are built (normalize's workers, or
    /// the reader's decoding batches) rather than on dedupe's one ordered pass. Not a field of the line.
    public var decoration: UInt8 = 0

    /// The fields of a whole record.
    public init(_ m: NormalizedMessage) {
        identity = NormalizedIdentityFields(m)
        date = m.date
        subject = m.subject
        fromKeys = m.from.map(\.key)
        bulk = m.bulk
        decoration = CopyDecoration.score(subject: subject, bulk: bulk)
    }

    public init(json: JSONValue) throws {
        identity = try NormalizedIdentityFields(json: json)
        let o = try JSONObject(json)
        date = try o.optionalString("date")
        subject = try o.string("subject")
        fromKeys = try o.array("from") { try JSONObject($0, what: "address").string("key") }
        bulk = try o.stringArray("bulk")
        decoration = CopyDecoration.score(subject: subject, bulk: bulk)
    }

    /// The same fields as `NormalizedMessage.writeJSON` writes them, in its order (From addresses with their key
    /// only).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        identity.writeFields(&w)
        w.field("date", date)
        w.field("subject", subject)
        w.key("from")
        w.beginArray()
        for k in fromKeys {
            w.beginObject()
            w.field("key", k)
            w.endObject()
        }
        w.endArray()
        w.field("bulk", bulk)
        w.endObject()
    }
}
