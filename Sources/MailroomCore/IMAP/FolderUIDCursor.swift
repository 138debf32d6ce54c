/// How far one IMAP folder has been read: the UIDVALIDITY it was read under and the highest UID loaded. A sync
/// starts above it; a changed UIDVALIDITY means the folder was renumbered. Saved per (mailbox, folder) in the
/// CRM store's `cursors` table with the rows it covers (or in a cursor file, without a store); where it may move
/// is `IMAPCursorDecision`'s rule.
public struct FolderUIDCursor: Sendable, Equatable {
    public var mailbox: String
    public var folder: String
    public var uidValidity: UInt64
    public var highestUID: UInt64

    public init(mailbox: String, folder: String, uidValidity: UInt64, highestUID: UInt64) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.highestUID = highestUID
    }

    /// The pair `IMAPCursorDecision` compares with what a folder holds now.
    public var stored: (uidValidity: UInt64, highestUID: UInt64) { (uidValidity, highestUID) }
}
