/// One problem (or warning) the post-load review found, named so that a person can find it in the store.
public struct ReviewFinding: Sendable, Equatable {
    public enum Severity: String, Sendable {
        /// Makes `mailroom review` exit with `reviewFailed`.
        case failure
        /// Reported; does not fail the review.
        case warning
    }

    /// The check that found it (see `ReviewReport.checks`).
    public var check: String
    public var severity: Severity
    /// One line for a person.
    public var detail: String
    public var contactId: String?
    public var messageKey: String?
    public var threadId: String?
    public var mailbox: String?
    public var address: String?

    public init(check: String, severity: Severity, detail: String, contactId: String? = nil,
                messageKey: String? = nil, threadId: String? = nil, mailbox: String? = nil, address: String? = nil) {
        self.check = check
        self.severity = severity
        self.detail = detail
        self.contactId = contactId
        self.messageKey = messageKey
        self.threadId = threadId
        self.mailbox = mailbox
        self.address = address
    }
}

/// A matched thread for a person to look at: its earliest message's sender, first recipient, subject and date.
public struct SpotCheck: Sendable, Equatable {
    public var threadId: String
    public var sender: String?
    public var recipient: String?
    public var subject: String
    public var date: String?

    public init(threadId: String, sender: String?, recipient: String?, subject: String, date: String?) {
        self.threadId = threadId
        self.sender = sender
        self.recipient = recipient
        self.subject = subject
        self.date = date
    }
}
