/// What `mailroom mailbox depend` prints: everything recorded as relying on one mailbox.
/// Schema `mailroom.mailbox-dependents/1`.
public struct MailboxDependents: JSONWritable, Equatable {
    public static let schema = "mailroom.mailbox-dependents/1"

    public var mailbox: String
    public var dependents: [MailboxDependent]

    public init(mailbox: String, dependents: [MailboxDependent]) {
        self.mailbox = mailbox
        self.dependents = dependents
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.schema)
        w.field("mailbox", mailbox)
        w.key("dependents")
        w.beginArray()
        for d in dependents {
            d.writeJSON(&w)
        }
        w.endArray()
        w.endObject()
    }

    /// The list for a person.
    public func text() -> String {
        dependents.isEmpty ? "Nothing recorded relies on \(mailbox).\n"
            : "Relies on \(mailbox):\n" + dependents.map { "  \($0.kind.rawValue): \($0.name)\n" }.joined()
    }
}
