/// How a thread relates to the CRM.
public enum ThreadClass: String, Sendable, CaseIterable {
    /// An external participant's address is saved on a contact.
    case matched
    /// External participants, none of them on a contact.
    case unmatched
    /// Every participant is on the company's own domains: never shown where customers are seen.
    case internalOnly = "internal-only"
}

/// How a participant address was linked to a contact.
public enum MatchRule: String, Sendable, CaseIterable {
    /// The contact's first (primary) email, after normalization (case of the local part, IDNA of the domain).
    case primaryEmail = "primary-email"
    /// Another email saved on the contact.
    case otherEmail = "other-email"
    /// Equal only after provider folding (`+tag`, Gmail dots, googlemail.com).
    case folded = "dot-plus-folding"
}

/// A contact linked to a thread, and through which address and rule.
public struct ThreadContact: JSONRecord, Equatable {
    public var contactId: String
    public var address: String
    public var rule: MatchRule

    public init(contactId: String, address: String, rule: MatchRule) {
        self.contactId = contactId
        self.address = address
        self.rule = rule
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "contact")
        contactId = try o.string("contactId")
        address = try o.string("address")
        let r = try o.string("rule")
        guard let rule = MatchRule(rawValue: r) else { throw JSONError("field \"rule\" has unknown value \(r)") }
        self.rule = rule
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("contactId", contactId)
        w.field("address", address)
        w.field("rule", rule.rawValue)
        w.endObject()
    }
}

/// `match/threads.ndjson` — grain: one line per thread, ordered by thread id. Schema `match.threads/1`.
public struct ThreadRecord: JSONRecord, Equatable {
    public static let schema = "match.threads/1"

    /// `t` + 16 hex digits of SHA-256 over the thread root's id: stable across reruns and arrival orders.
    public var threadId: String
    public var classification: ThreadClass
    /// The subject of the thread's earliest message.
    public var subject: String
    /// Message identity keys (dedupe `key`), oldest first (undated last, then by key).
    public var messageKeys: [String]
    public var firstDate: String?
    public var lastDate: String?
    public var sent: Int
    public var received: Int
    /// Canonical addresses of every participant, sorted.
    public var participants: [String]
    /// Participants outside `ownDomains`, sorted.
    public var external: [String]
    /// Contacts linked to the thread (empty unless matched), sorted by contact id then address.
    public var contacts: [ThreadContact]
    /// Mailboxes the thread's messages came from, sorted.
    public var mailboxes: [String]
    /// Keys of the messages that joined the thread by subject (header-less replies sharing an external participant
    /// with it; see `ThreadBuilder+Subject.swift`), sorted. Written only when there is one; absent means none.
    public var subjectJoins: [String]
    /// The id of the thread's root container (Message-ID, placeholder id, or the key of a message threaded on its
    /// own): `threadId` is derived from it. Written with `ids`; absent in run directories made before them.
    public var root: String?
    /// Every id the thread covers, sorted: the name of each container in its tree (Message-IDs of its messages
    /// and of the placeholders they reference, and keys of messages threaded on their own). A load finds through
    /// them a thread another worker stored under another root, and merges the two (`thread_ids` in the store).
    public var ids: [String] = []

    public init(threadId: String, classification: ThreadClass, subject: String, messageKeys: [String],
                firstDate: String?, lastDate: String?, sent: Int, received: Int, participants: [String],
                external: [String], contacts: [ThreadContact], mailboxes: [String], subjectJoins: [String] = []) {
        self.threadId = threadId
        self.classification = classification
        self.subject = subject
        self.messageKeys = messageKeys
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.sent = sent
        self.received = received
        self.participants = participants
        self.external = external
        self.contacts = contacts
        self.mailboxes = mailboxes
        self.subjectJoins = subjectJoins
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        threadId = try o.string("threadId")
        let c = try o.string("classification")
        guard let cls = ThreadClass(rawValue: c) else {
            throw JSONError("field \"classification\" has unknown value \(c)")
        }
        classification = cls
        subject = try o.string("subject")
        messageKeys = try o.stringArray("messageKeys")
        firstDate = try o.optionalString("firstDate")
        lastDate = try o.optionalString("lastDate")
        sent = try o.int("sent")
        received = try o.int("received")
        participants = try o.stringArray("participants")
        external = try o.stringArray("external")
        contacts = try o.array("contacts", ThreadContact.init(json:))
        mailboxes = try o.stringArray("mailboxes")
        subjectJoins = o.has("subjectJoins") ? try o.stringArray("subjectJoins") : []
        root = try o.optionalString("root")
        ids = o.has("ids") ? try o.stringArray("ids") : []
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("threadId", threadId)
        w.field("classification", classification.rawValue)
        w.field("subject", subject)
        w.field("messageKeys", messageKeys)
        w.field("firstDate", firstDate)
        w.field("lastDate", lastDate)
        w.field("sent", sent)
        w.field("received", received)
        w.field("participants", participants)
        w.field("external", external)
        w.field("contacts", contacts)
        w.field("mailboxes", mailboxes)
        if !subjectJoins.isEmpty { w.field("subjectJoins", subjectJoins) }
        if let root, !ids.isEmpty {
            w.field("root", root)
            w.field("ids", ids)
        }
        w.endObject()
    }
}

/// `match/links.ndjson` — grain: one line per (message identity, role, participant address), in message order.
/// Schema `match.links/1`. Records, for every participant, whether and how it links to a contact.
public struct ParticipantLink: JSONRecord, Equatable {
    public static let schema = "match.links/1"

    public var messageKey: String
    public var threadId: String
    /// `from`, `sender`, `reply-to`, `to`, `cc`, `bcc`.
    public var role: String
    /// Canonical address.
    public var address: String
    /// On `ownDomains` (or a subdomain).
    public var isInternal: Bool
    /// The linked contact, when exactly one contact holds the address.
    public var contactId: String?
    public var rule: MatchRule?
    /// Every contact holding the address when more than one does: flagged, not linked.
    public var ambiguous: [String]

    public init(messageKey: String, threadId: String, role: String, address: String, isInternal: Bool,
                contactId: String?, rule: MatchRule?, ambiguous: [String]) {
        self.messageKey = messageKey
        self.threadId = threadId
        self.role = role
        self.address = address
        self.isInternal = isInternal
        self.contactId = contactId
        self.rule = rule
        self.ambiguous = ambiguous
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        messageKey = try o.string("messageKey")
        threadId = try o.string("threadId")
        role = try o.string("role")
        address = try o.string("address")
        isInternal = try o.bool("internal")
        contactId = try o.optionalString("contactId")
        if let r = try o.optionalString("rule") {
            guard let rule = MatchRule(rawValue: r) else { throw JSONError("field \"rule\" has unknown value \(r)") }
            self.rule = rule
        } else {
            rule = nil
        }
        ambiguous = try o.stringArray("ambiguous")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("messageKey", messageKey)
        w.field("threadId", threadId)
        w.field("role", role)
        w.field("address", address)
        w.field("internal", isInternal)
        w.field("contactId", contactId)
        w.field("rule", rule?.rawValue)
        w.field("ambiguous", ambiguous)
        w.endObject()
    }
}

/// `match/unmatched.ndjson` — grain: one line per external address that no contact holds, most messages first
/// (ties: latest `lastSeen` first, then address). Schema `match.unmatched/1`. Bulk senders are included but marked.
public struct UnmatchedAddress: JSONRecord, Equatable {
    public static let schema = "match.unmatched/1"

    public var address: String
    /// The display name seen most recently, if any.
    public var name: String?
    public var messages: Int
    public var threads: Int
    /// Messages the mailbox owner sent to this address.
    public var sentTo: Int
    public var lastSeen: String?
    /// Every message from this address was bulk or automated mail.
    public var bulkOnly: Bool

    public init(address: String, name: String?, messages: Int, threads: Int, sentTo: Int, lastSeen: String?,
                bulkOnly: Bool) {
        self.address = address
        self.name = name
        self.messages = messages
        self.threads = threads
        self.sentTo = sentTo
        self.lastSeen = lastSeen
        self.bulkOnly = bulkOnly
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        address = try o.string("address")
        name = try o.optionalString("name")
        messages = try o.int("messages")
        threads = try o.int("threads")
        sentTo = try o.int("sentTo")
        lastSeen = try o.optionalString("lastSeen")
        bulkOnly = try o.bool("bulkOnly")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("address", address)
        w.field("name", name)
        w.field("messages", messages)
        w.field("threads", threads)
        w.field("sentTo", sentTo)
        w.field("lastSeen", lastSeen)
        w.field("bulkOnly", bulkOnly)
        w.endObject()
    }
}
