// Readers over `JSONCursor` of the records read most (every line of dedupe's and normalize's message files, the
// report's links, the load's links): the same values and refusals as their `init(json:)`, which `CursorRecordTests` compares.

extension Address: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var address: String?, key: String?, local: String?, domain: String?, domainUnicode: String?
        var name: String?
        try c.beginObject(what: "address")
        while let k = try c.nextKey() {
            switch k {
            case "address": address = try c.string(k)
            case "key": key = try c.string(k)
            case "local": local = try c.string(k)
            case "domain": domain = try c.string(k)
            case "domainUnicode": domainUnicode = try c.string(k)
            case "name": name = try c.optionalString(k)
            default: try c.skip()
            }
        }
        guard let address else { throw missingField("address") }
        guard let key else { throw missingField("key") }
        guard let local else { throw missingField("local") }
        guard let domain else { throw missingField("domain") }
        guard let domainUnicode else { throw missingField("domainUnicode") }
        self.init(address: address, key: key, local: local, domain: domain, domainUnicode: domainUnicode, name: name)
    }
}

extension JSONCursor {
    /// A `Direction` field.
    mutating func direction(_ key: Key) throws -> Direction {
        let d = try string(key)
        guard let dir = Direction(rawValue: d) else { throw JSONError("field \"\(key.name)\" has unknown value \(d)") }
        return dir
    }

    /// An array of addresses; null is empty.
    mutating func addresses(_ key: Key) throws -> [Address] {
        try records(key, Address.self)
    }

    /// An array of records each read by its cursor reader; null is empty.
    mutating func records<R: JSONCursorRecord>(_ key: Key, _: R.Type) throws -> [R] {
        var out: [R] = []
        try array(key) { out.append(try R(cursor: &$0)) }
        return out
    }

    /// One string member of each object of an array (`what` names the objects).
    mutating func eachObject(_ key: Key, what: String, _ member: (inout JSONCursor, Key) throws -> Void) throws {
        try array(key) { try $0.object(what: what, member) }
    }
}

/// `DedupedThreadFields`' members as a cursor meets them (`read` takes the members it knows); shared by the
/// records that read them alone and with the report's.
struct DedupedThreadFieldsReader {
    var key: String?, subject: String?, baseSubject: String?, messageId: String?, date: String?
    var inReplyTo: [String] = [], references: [String] = []

    mutating func read(_ k: JSONCursor.Key, _ c: inout JSONCursor) throws -> Bool {
        switch k {
        case "key": key = try c.string(k)
        case "messageId": messageId = try c.optionalString(k)
        case "date": date = try c.optionalString(k)
        case "subject": subject = try c.string(k)
        case "baseSubject": baseSubject = try c.string(k)
        case "inReplyTo": inReplyTo = try c.stringArray(k)
        case "references": references = try c.stringArray(k)
        default: return false
        }
        return true
    }

    func fields() throws -> DedupedThreadFields {
        guard let key else { throw missingField("key") }
        guard let subject else { throw missingField("subject") }
        guard let baseSubject else { throw missingField("baseSubject") }
        return DedupedThreadFields(key: key, messageId: messageId, date: date, subject: subject,
                                   baseSubject: baseSubject, inReplyTo: inReplyTo, references: references)
    }
}

extension DedupedThreadFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var r = DedupedThreadFieldsReader()
        try c.object(what: "record") { c, k in if try !r.read(k, &c) { try c.skip() } }
        self = try r.fields()
    }
}

extension DedupedMatchFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var key: String?, mailbox: String?, subject: String?, direction: Direction?
        var date: String?, sender: Address?
        var from: [Address] = [], replyTo: [Address] = [], to: [Address] = [], cc: [Address] = [], bcc: [Address] = []
        var bulk: [String] = [], copyMailboxes: [String] = []
        try c.beginObject()
        while let k = try c.nextKey() {
            switch k {
            case "key": key = try c.string(k)
            case "mailbox": mailbox = try c.string(k)
            case "date": date = try c.optionalString(k)
            case "subject": subject = try c.string(k)
            case "from": from = try c.addresses(k)
            case "sender": sender = try c.null() ? nil : try Address(cursor: &c)
            case "replyTo": replyTo = try c.addresses(k)
            case "to": to = try c.addresses(k)
            case "cc": cc = try c.addresses(k)
            case "bcc": bcc = try c.addresses(k)
            case "direction": direction = try c.direction(k)
            case "bulk": bulk = try c.stringArray(k)
            case "copies":
                copyMailboxes = []
                try c.array(k) { e in
                    var m: String?
                    try e.object(what: "copy") { o, f in
                        if case "mailbox" = f { m = try o.string(f) } else { try o.skip() }
                    }
                    guard let m else { throw missingField("mailbox") }
                    copyMailboxes.append(m)
                }
            default: try c.skip()
            }
        }
        guard let key else { throw missingField("key") }
        guard let mailbox else { throw missingField("mailbox") }
        guard let subject else { throw missingField("subject") }
        guard let direction else { throw missingField("direction") }
        self.key = key
        self.mailbox = mailbox
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.direction = direction
        self.bulk = bulk
        self.copyMailboxes = copyMailboxes
    }
}

/// `DedupedReportFields`' members as a cursor meets them, as `DedupedThreadFieldsReader`.
struct DedupedReportFieldsReader {
    var date: String?, direction: Direction?
    var bulk: [String] = [], issues: [String] = [], copies: [CopyPlace] = []

    mutating func read(_ k: JSONCursor.Key, _ c: inout JSONCursor) throws -> Bool {
        switch k {
        case "date": date = try c.optionalString(k)
        case "direction": direction = try c.direction(k)
        case "bulk": bulk = try c.stringArray(k)
        case "issues": issues = try c.stringArray(k)
        case "copies":
            copies = []
            try c.array(k) { e in
                var mailbox: String?, folder: String?
                try e.object(what: "copy") { o, f in
                    switch f {
                    case "mailbox": mailbox = try o.string(f)
                    case "folder": folder = try o.string(f)
                    default: try o.skip()
                    }
                }
                guard let mailbox else { throw missingField("mailbox") }
                guard let folder else { throw missingField("folder") }
                copies.append(CopyPlace(mailbox: mailbox, folder: folder))
            }
        default: return false
        }
        return true
    }

    func fields() throws -> DedupedReportFields {
        guard let direction else { throw missingField("direction") }
        return DedupedReportFields(date: date, direction: direction, bulk: bulk, issues: issues, copies: copies)
    }
}

extension DedupedReportFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var r = DedupedReportFieldsReader()
        try c.object(what: "record") { c, k in if try !r.read(k, &c) { try c.skip() } }
        self = try r.fields()
    }
}

extension DedupedThreadReportFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var t = DedupedThreadFieldsReader(), r = DedupedReportFieldsReader()
        try c.object(what: "record") { c, k in if try !t.read(k, &c), try !r.read(k, &c) { try c.skip() } }
        r.date = t.date  // `date` is both's: the thread reader took it
        self.init(thread: try t.fields(), report: try r.fields())
    }
}

/// `NormalizedIdentityFields`' members as a cursor meets them, as `DedupedThreadFieldsReader`.
struct NormalizedIdentityFieldsReader {
    var copyId: String?, mailbox: String?, folder: String?, contentHash: String?
    var messageId: String?, labels: [String]?
    var flags: [String] = []

    mutating func read(_ k: JSONCursor.Key, _ c: inout JSONCursor) throws -> Bool {
        switch k {
        case "copyId": copyId = try c.string(k)
        case "mailbox": mailbox = try c.string(k)
        case "folder": folder = try c.string(k)
        case "flags": flags = try c.stringArray(k)
        // Present and not null: a list (as `JSONObject.has`), else none.
        case "labels": labels = try c.null() ? nil : try c.stringArray(k)
        case "messageId": messageId = try c.optionalString(k)
        case "contentHash": contentHash = try c.string(k)
        default: return false
        }
        return true
    }

    func fields() throws -> NormalizedIdentityFields {
        guard let copyId else { throw missingField("copyId") }
        guard let mailbox else { throw missingField("mailbox") }
        guard let folder else { throw missingField("folder") }
        guard let contentHash else { throw missingField("contentHash") }
        return NormalizedIdentityFields(copyId: copyId, mailbox: mailbox, folder: folder, flags: flags, labels: labels,
                                        messageId: messageId, contentHash: contentHash)
    }
}

extension NormalizedIdentityFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var r = NormalizedIdentityFieldsReader()
        try c.object(what: "record") { c, k in if try !r.read(k, &c) { try c.skip() } }
        self = try r.fields()
    }
}

extension LinkReportFields: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var address: String?
        var ambiguous: [String] = []
        try c.beginObject()
        while let k = try c.nextKey() {
            switch k {
            case "address": address = try c.string(k)
            case "ambiguous": ambiguous = try c.stringArray(k)
            default: try c.skip()
            }
        }
        guard let address else { throw missingField("address") }
        self.init(address: address, ambiguous: ambiguous)
    }
}

extension ParticipantLink: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var messageKey: String?, threadId: String?, role: String?, address: String?, isInternal: Bool?
        var contactId: String?, rule: MatchRule?, ambiguous: [String] = []
        try c.beginObject()
        while let k = try c.nextKey() {
            switch k {
            case "messageKey": messageKey = try c.string(k)
            case "threadId": threadId = try c.string(k)
            case "role": role = try c.string(k)
            case "address": address = try c.string(k)
            case "internal": isInternal = try c.bool(k)
            case "contactId": contactId = try c.optionalString(k)
            case "rule":
                rule = nil
                if let r = try c.optionalString(k) {
                    guard let known = MatchRule(rawValue: r) else { throw JSONError("field \"rule\" has unknown value \(r)") }
                    rule = known
                }
            case "ambiguous": ambiguous = try c.stringArray(k)
            default: try c.skip()
            }
        }
        guard let messageKey else { throw missingField("messageKey") }
        guard let threadId else { throw missingField("threadId") }
        guard let role else { throw missingField("role") }
        guard let address else { throw missingField("address") }
        guard let isInternal else { throw missingField("internal") }
        self.init(messageKey: messageKey, threadId: threadId, role: role, address: address, isInternal: isInternal,
                  contactId: contactId, rule: rule, ambiguous: ambiguous)
    }
}

extension ContactEmail: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var raw: String?, address: String?, key: String?, foldedKey: String?, issue: String?
        try c.object(what: "email") { c, k in
            switch k {
            case "raw": raw = try c.string(k)
            case "address": address = try c.optionalString(k)
            case "key": key = try c.optionalString(k)
            case "foldedKey": foldedKey = try c.optionalString(k)
            case "issue": issue = try c.optionalString(k)
            default: try c.skip()
            }
        }
        guard let raw else { throw missingField("raw") }
        self.init(raw: raw, address: address, key: key, foldedKey: foldedKey, issue: issue)
    }
}

/// Contacts are read whole by match (its contact index) and the load: without a `JSONValue` tree per line.
extension Contact: JSONCursorRecord {
    public init(cursor c: inout JSONCursor) throws {
        var id: String?, name: String?, line: Int?
        var emails: [ContactEmail] = []
        try c.object(what: "record") { c, k in
            switch k {
            case "id": id = try c.string(k)
            case "name": name = try c.string(k)
            case "emails": emails = try c.records(k, ContactEmail.self)
            case "line": line = try c.int(k)
            default: try c.skip()
            }
        }
        guard let id else { throw missingField("id") }
        guard let name else { throw missingField("name") }
        guard let line else { throw missingField("line") }
        self.init(id: id, name: name, emails: emails, line: line)
    }
}
