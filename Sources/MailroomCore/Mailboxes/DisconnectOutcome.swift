/// What `disconnect` did.
public struct DisconnectOutcome: Sendable, Equatable {
    public var mailbox: String
    /// Everything that relied on the mailbox when it was disconnected.
    public var dependents: [MailboxDependent]
    /// Dependents moved to the replacement (`--replace-with`).
    public var moved: [MailboxDependent]
    public var replacement: String?
    /// Messages, threads and folder cursors kept (nothing loaded is deleted).
    public var messagesKept: Int
    public var threadsKept: Int
    public var cursorsKept: Int
    public var wasDisconnected: Bool
    /// The run log row written for it.
    public var runId: String

    public init(mailbox: String, dependents: [MailboxDependent], moved: [MailboxDependent], replacement: String?,
                messagesKept: Int, threadsKept: Int, cursorsKept: Int, wasDisconnected: Bool, runId: String) {
        self.mailbox = mailbox
        self.dependents = dependents
        self.moved = moved
        self.replacement = replacement
        self.messagesKept = messagesKept
        self.threadsKept = threadsKept
        self.cursorsKept = cursorsKept
        self.wasDisconnected = wasDisconnected
        self.runId = runId
    }
}

extension DisconnectOutcome: JSONWritable {
    public static let schema = "mailroom.mailbox-disconnect/1"

    /// `mailroom mailbox disconnect --json`.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.schema)
        w.field("mailbox", mailbox)
        w.field("runId", runId)
        w.field("replacement", replacement)
        w.field("dependents", dependents.map(\.label))
        w.field("moved", moved.map(\.label))
        w.field("messagesKept", messagesKept)
        w.field("threadsKept", threadsKept)
        w.field("cursorsKept", cursorsKept)
        w.endObject()
    }
}
