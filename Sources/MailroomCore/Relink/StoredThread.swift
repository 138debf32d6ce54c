/// One thread as the store holds it, with its messages and their participant rows: what `RelinkRules.relink`
/// recomputes.
public struct StoredThread: Sendable {
    public var id: String
    public var subject: String
    /// `customer` or `internal`.
    public var visibility: String
    public var classification: String
    public var proposedClass: String
    public var messages: [StoredMessage]
    /// The thread's `thread_contacts` rows.
    public var contacts: [StoredThreadContact]

    public init(id: String, subject: String, visibility: String, classification: String, proposedClass: String,
                messages: [StoredMessage] = [], contacts: [StoredThreadContact] = []) {
        self.id = id
        self.subject = subject
        self.visibility = visibility
        self.classification = classification
        self.proposedClass = proposedClass
        self.messages = messages
        self.contacts = contacts
    }
}

public struct StoredMessage: Sendable {
    public var key: String
    public var subject: String
    public var date: String?
    /// `sent` or `received`.
    public var direction: String
    /// The mailboxes holding a copy (the message's own `mailbox` among them).
    public var mailboxes: [String]
    /// Match placed it in its thread by subject (`messages.joined_by_subject`).
    public var joinedBySubject: Bool
    public var participants: [StoredParticipant]

    public init(key: String, subject: String, date: String?, direction: String, mailboxes: [String],
                joinedBySubject: Bool = false, participants: [StoredParticipant] = []) {
        self.joinedBySubject = joinedBySubject
        self.key = key
        self.subject = subject
        self.date = date
        self.direction = direction
        self.mailboxes = mailboxes
        self.participants = participants
    }
}

/// A `participants` row (its key is the message's key, `role` and `address`).
public struct StoredParticipant: Sendable, Equatable {
    public var role: String
    public var address: String
    public var isInternal: Bool
    public var contactId: String?
    public var rule: String?

    public init(role: String, address: String, isInternal: Bool, contactId: String?, rule: String?) {
        self.role = role
        self.address = address
        self.isInternal = isInternal
        self.contactId = contactId
        self.rule = rule
    }
}

/// A `thread_contacts` row of a thread.
public struct StoredThreadContact: Sendable, Hashable, Comparable {
    public var contactId: String
    public var address: String
    public var rule: String

    public init(contactId: String, address: String, rule: String) {
        self.contactId = contactId
        self.address = address
        self.rule = rule
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.contactId, a.address, a.rule) < (b.contactId, b.address, b.rule)
    }
}
