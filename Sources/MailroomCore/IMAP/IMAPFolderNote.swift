/// What a run's read of one IMAP folder has to say: the UIDs the server did not deliver after the retries, and
/// why the folder's cursor was held back (`IMAPCursorDecision.note`). Shown by the report and the run log.
public struct IMAPFolderNote: Sendable, Equatable {
    public var mailbox: String
    public var folder: String
    public var missingUIDs: [UInt64]
    public var note: String?

    public init(mailbox: String, folder: String, missingUIDs: [UInt64] = [], note: String? = nil) {
        self.mailbox = mailbox
        self.folder = folder
        self.missingUIDs = missingUIDs
        self.note = note
    }

    /// `mailbox work: folder "INBOX": the server did not deliver ...`.
    public var line: String {
        "mailbox \(mailbox): " + (note ?? "folder \"\(folder)\": UIDs \(IMAPCursorDecision.list(missingUIDs)) were not delivered")
    }
}
