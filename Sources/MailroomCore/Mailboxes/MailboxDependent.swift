import Foundation

/// Something that relies on a mailbox: a user who owns or shares it, or a CRM email flow that sends through it.
/// One row of `mailbox_dependents` (grain: one row per mailbox, kind and name).
public struct MailboxDependent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The user the mailbox belongs to.
        case owner
        /// A user the mailbox is shared with.
        case sharedUser = "shared-user"
        /// A CRM email flow (sequence, notification) that sends through the mailbox.
        case emailFlow = "email-flow"

        /// Whether `disconnect --replace-with OTHER` moves it to the other mailbox (an owner stays: it is the
        /// old mailbox's person, not a use of it).
        public var movesOnReplace: Bool { self != .owner }
    }

    public var mailbox: String
    public var kind: Kind
    public var name: String
    /// ISO 8601 UTC.
    public var addedAt: String

    public init(mailbox: String, kind: Kind, name: String, addedAt: String) {
        self.mailbox = mailbox
        self.kind = kind
        self.name = name
        self.addedAt = addedAt
    }

    /// `email-flow "Renewal reminders"`, for lists.
    public var label: String { "\(kind.rawValue) \"\(name)\"" }
}

extension MailboxDependent: JSONWritable {
    /// `{"kind": …, "name": …, "addedAt": …}`, as the JSON documents that list dependents show one.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("kind", kind.rawValue)
        w.field("name", name)
        w.field("addedAt", addedAt)
        w.endObject()
    }
}
