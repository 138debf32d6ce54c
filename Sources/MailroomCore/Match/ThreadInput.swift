/// What threading needs to know about one message identity: ids, links, subject and date. Nothing else.
public struct ThreadInput: Sendable, Equatable {
    /// Dedupe identity key (`mid:<id>`, `mid:<id>#<hash12>` or `hash:<hash>`).
    public var key: String
    public var messageId: String?
    public var inReplyTo: [String]
    /// Oldest first.
    public var references: [String]
    public var baseSubject: String
    /// The subject starts with a reply prefix (see `SubjectPrefix`; forward prefixes do not count).
    public var subjectIsReply: Bool
    /// ISO 8601 UTC.
    public var date: String?

    public init(key: String, messageId: String?, inReplyTo: [String], references: [String], baseSubject: String,
                subjectIsReply: Bool, date: String?) {
        self.key = key
        self.messageId = messageId
        self.inReplyTo = inReplyTo
        self.references = references
        self.baseSubject = baseSubject
        self.subjectIsReply = subjectIsReply
        self.date = date
    }

    public init(_ m: DedupedMessage) {
        self.init(key: m.key, messageId: m.message.messageId, inReplyTo: m.message.inReplyTo,
                  references: m.message.references, baseSubject: m.message.baseSubject,
                  subjectIsReply: SubjectPrefix.isReply(m.message.subject), date: m.message.date)
    }

    /// The same input from the few fields threading reads of a dedupe line.
    public init(_ f: DedupedThreadFields) {
        self.init(key: f.key, messageId: f.messageId, inReplyTo: f.inReplyTo, references: f.references,
                  baseSubject: f.baseSubject, subjectIsReply: SubjectPrefix.isReply(f.subject), date: f.date)
    }

    /// A total order over every field, so that a choice between two inputs never depends on arrival order.
    func precedes(_ o: ThreadInput) -> Bool {
        func less(_ a: [String], _ b: [String]) -> Bool? {
            a == b ? nil : a.lexicographicallyPrecedes(b)
        }
        func less(_ a: String?, _ b: String?) -> Bool? {
            guard a != b else { return nil }
            guard let a else { return true }
            guard let b else { return false }
            return a < b
        }
        if key != o.key { return key < o.key }
        if let r = less(messageId, o.messageId) { return r }
        if let r = less(inReplyTo, o.inReplyTo) { return r }
        if let r = less(references, o.references) { return r }
        if let r = less(date, o.date) { return r }
        if baseSubject != o.baseSubject { return baseSubject < o.baseSubject }
        return !subjectIsReply && o.subjectIsReply
    }
}
