/// What dedupe's second pass reads of a `normalize/messages.ndjson` line when match's first pass rides along (a
/// run of both stages in one process): dedupe's identity fields (`NormalizedIdentityFields`) and the thread and
/// report fields match's first pass reads of the line dedupe writes from it (`DedupedThreadReportFields`, but
/// the key and copies, which dedupe adds), in one pass over the line.
///
/// Dedupe's line is `{"key":…,` + this line's members as they are + `,"copies":[…]}` (see
/// `DedupedMessage.jsonLine`), so that with the key and copies added these fields are the ones match would read
/// back. When they cannot be had that way (a member is missing or mistyped, or the line has a `key` or `copies`
/// of its own, which would win over dedupe's on reading), `threadReport` is nil and the identity fields are
/// decoded as `NormalizedIdentityFields` alone, refusing what it refuses: dedupe's behaviour does not change.
public struct NormalizedIdentityThreadReportFields: JSONCursorRecord, Equatable {
    public static let decodedKeys: Set<String>? = NormalizedIdentityFields.decodedKeys!
        .union(DedupedThreadReportFields.decodedKeys!)

    public var identity: NormalizedIdentityFields
    /// Thread fields with an empty key and report fields with no copies, or nil (see above).
    public var threadReport: DedupedThreadReportFields?

    public init(identity: NormalizedIdentityFields, threadReport: DedupedThreadReportFields?) {
        self.identity = identity
        self.threadReport = threadReport
    }

    /// Match's first-pass fields of the line dedupe writes for this message: these with its key and copies.
    public func threadReport(key: String, copies: [CopyRef]) -> DedupedThreadReportFields? {
        guard var f = threadReport else { return nil }
        f.thread.key = key
        f.report.copies = copies.map { CopyPlace(mailbox: $0.mailbox, folder: $0.folder) }
        return f
    }

    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, keys: JSONKeys?) throws -> Self {
        if let both = try? Self(cursorBytes: line) { return both }
        return Self(identity: try NormalizedIdentityFields(cursorBytes: line), threadReport: nil)
    }

    /// Both parts in one pass; throws when either cannot be read (`decodeLine` then reads the identity alone).
    public init(cursor c: inout JSONCursor) throws {
        var i = NormalizedIdentityFieldsReader()
        var t = DedupedThreadFieldsReader(), r = DedupedReportFieldsReader()
        var ownDedupeMembers = false
        try c.object(what: "record") { c, k in
            switch k {
            case "key", "copies":
                ownDedupeMembers = true
                try c.skip()
            default:
                if try !i.read(k, &c), try !t.read(k, &c), try !r.read(k, &c) { try c.skip() }
            }
        }
        identity = try i.fields()
        guard !ownDedupeMembers else { throw JSONError("the line has dedupe's members key or copies") }
        t.key = ""
        t.messageId = i.messageId  // `messageId` is both's: the identity reader took it
        r.date = t.date  // `date` is thread's and report's: the thread reader took it
        threadReport = DedupedThreadReportFields(thread: try t.fields(), report: try r.fields())
    }

    public init(json: JSONValue) throws {
        identity = try NormalizedIdentityFields(json: json)
        let o = try JSONObject(json)
        threadReport = try? {
            guard !o.has("key"), !o.has("copies") else { throw JSONError("the line has dedupe's members key or copies") }
            var object = o.fields
            object["key"] = .string("")
            object["copies"] = .array([])
            return try DedupedThreadReportFields(json: .object(object))
        }()
    }

    /// The identity fields, then the thread and report fields but the key and copies, as `NormalizedMessage` orders them.
    public func writeJSON(_ w: inout JSONWriter) {
        guard let f = threadReport else { return identity.writeJSON(&w) }
        w.beginObject()
        identity.writeFields(&w)
        w.field("date", f.thread.date)
        w.field("subject", f.thread.subject)
        w.field("baseSubject", f.thread.baseSubject)
        w.field("inReplyTo", f.thread.inReplyTo)
        w.field("references", f.thread.references)
        w.field("direction", f.report.direction.rawValue)
        w.field("bulk", f.report.bulk)
        w.field("issues", f.report.issues)
        w.endObject()
    }
}
