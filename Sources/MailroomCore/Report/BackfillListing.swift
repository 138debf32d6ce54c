/// What `mailroom backfill --dry-run` prints: the messages and bytes each IMAP mailbox holds in the window, from
/// a listing (no message fetched); file mailboxes are named, not listed. Schema `mailroom.backfill-listing/1`.
public struct BackfillListing: JSONWritable, Equatable {
    public struct Mailbox: Sendable, Equatable {
        public var name: String
        /// The window's count per folder; nil for a file mailbox (not listed).
        public var folders: [IMAPListingCount]?

        public init(name: String, folders: [IMAPListingCount]?) {
            self.name = name
            self.folders = folders
        }

        public var messages: Int { folders?.map(\.messages).reduce(0, +) ?? 0 }
        public var bytes: Int { folders.map(IMAPListingCount.totalBytes) ?? 0 }
    }

    public static let schema = "mailroom.backfill-listing/1"

    public var window: DateWindow
    public var days: Int
    public var mailboxes: [Mailbox]

    public init(window: DateWindow, days: Int, mailboxes: [Mailbox]) {
        self.window = window
        self.days = days
        self.mailboxes = mailboxes
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.schema)
        w.field("windowStart", IMAPDate.iso8601(epoch: window.start))
        w.field("windowEnd", IMAPDate.iso8601(epoch: window.end))
        w.key("mailboxes")
        w.beginArray()
        for m in mailboxes {
            w.beginObject()
            w.field("name", m.name)
            w.field("listed", m.folders != nil)
            w.field("messages", m.messages)
            w.field("bytes", m.bytes)
            w.key("folders")
            w.beginArray()
            for f in m.folders ?? [] {
                w.beginObject()
                w.field("folder", f.folder)
                w.field("messages", f.messages)
                w.field("bytes", f.bytes)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// The listing for a person, one line per mailbox and folder.
    public func text() -> String {
        var text = "Backfill window \(IMAPDate.iso8601(epoch: window.start)) to \(IMAPDate.iso8601(epoch: window.end)) (\(days) days)\n"
        for m in mailboxes {
            guard let folders = m.folders else {
                text += "\(m.name): file mailbox, not listed (run `mailroom run --dry-run` for its counts)\n"
                continue
            }
            text += "\(m.name): \(m.messages) messages, \(IMAPListingCount.totalBytes(folders)) bytes\n"
            for f in folders { text += "  \(f.folder): \(f.messages) messages, \(f.bytes) bytes\n" }
        }
        return text
    }
}
