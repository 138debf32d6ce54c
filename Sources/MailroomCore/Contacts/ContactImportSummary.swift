/// What a contacts import changed.
public struct ContactImportSummary: Sendable, Equatable {
    /// Contacts not in the store before.
    public var created = 0
    /// Contacts whose name or emails changed.
    public var updated = 0
    /// Contacts already in the store exactly as given.
    public var unchanged = 0
    /// Contacts created from sent mail (`auto:` ids) replaced by an imported contact holding the same address.
    public var replacedCreated = 0
    /// Emails saved without a match key because another contact already holds the same address (their
    /// `contact_emails.issue` is `held-by:<other id>`).
    public var emailsSkipped: [SkippedEmail] = []

    public init() {}

    public struct SkippedEmail: Sendable, Equatable {
        public var contactId: String
        public var position: Int
        public var heldBy: String

        public init(contactId: String, position: Int, heldBy: String) {
            self.contactId = contactId
            self.position = position
            self.heldBy = heldBy
        }
    }

    public mutating func add(_ o: ContactImportSummary) {
        created += o.created
        updated += o.updated
        unchanged += o.unchanged
        replacedCreated += o.replacedCreated
        emailsSkipped += o.emailsSkipped
    }
}
