/// The run being loaded.
public struct LoadRunInfo: Sendable, Equatable {
    /// The run id (the run directory's name): a rerun with the same id continues from its checkpoint.
    public var runId: String
    /// Backfill window, ISO 8601 UTC.
    public var windowStart: String?
    public var windowEnd: String?
    /// The pipeline's mailbox names.
    public var mailboxes: [String]
    /// IMAP folder cursors to save in the same transaction that finishes the load.
    public var cursors: [FolderUIDCursor]
    /// Identifies the input (e.g. the input files' SHA-256s): an interrupted load resumes from its checkpoint only
    /// when this is unchanged, else it starts over.
    public var inputFingerprint: String
    /// `--shard I/N`: the run holds one shard of its (single) mailbox. A PostgreSQL load locks that shard.
    public var shard: MailboxShard?

    public init(runId: String, windowStart: String?, windowEnd: String?, mailboxes: [String],
                cursors: [FolderUIDCursor] = [], inputFingerprint: String = "", shard: MailboxShard? = nil) {
        self.runId = runId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.mailboxes = mailboxes
        self.cursors = cursors
        self.inputFingerprint = inputFingerprint
        self.shard = shard
    }
}
