import Foundation
import GRDB

/// A stream of records, read once per call: an in-memory array (tests) or an NDJSON file of a run directory.
public struct RecordSource<R: Sendable>: Sendable {
    /// Calls `body` for each record, in order; throws an error naming the file and line on a bad record.
    public let forEach: @Sendable (_ body: (R) throws -> Void) throws -> Void

    public init(_ forEach: @escaping @Sendable (_ body: (R) throws -> Void) throws -> Void) {
        self.forEach = forEach
    }

    public init(_ records: [R]) {
        self.forEach = { body in for r in records { try body(r) } }
    }
}

extension RecordSource where R: JSONRecord {
    /// The records of an NDJSON file, one per line (`NDJSONReader`: a bad or missing file is an `.input` error
    /// naming the file and line).
    public static func ndjson(_ url: URL, displayPath: String? = nil) -> RecordSource<R> {
        RecordSource { body in
            try NDJSONReader.forEach(R.self, url: url, displayPath: displayPath) { record, _ in try body(record) }
        }
    }
}

/// What one load reads: the run directory's dedupe and match files.
public struct LoadInput: Sendable {
    public var contacts: RecordSource<Contact>
    public var threads: RecordSource<ThreadRecord>
    public var messages: RecordSource<DedupedMessage>
    public var links: RecordSource<ParticipantLink>

    public init(contacts: RecordSource<Contact>, threads: RecordSource<ThreadRecord>,
                messages: RecordSource<DedupedMessage>, links: RecordSource<ParticipantLink>) {
        self.contacts = contacts
        self.threads = threads
        self.messages = messages
        self.links = links
    }

    /// `dedupe/contacts.ndjson` (optional: no contacts file means no contacts), `dedupe/messages.ndjson`,
    /// `match/threads.ndjson` and `match/links.ndjson` of a run directory.
    public static func runDirectory(_ dir: URL) -> LoadInput {
        let contactsURL = dir.appendingPathComponent("dedupe/contacts.ndjson")
        let contacts: RecordSource<Contact> = FileManager.default.fileExists(atPath: contactsURL.path)
            ? .ndjson(contactsURL) : RecordSource([])
        return LoadInput(contacts: contacts,
                         threads: .ndjson(dir.appendingPathComponent("match/threads.ndjson")),
                         messages: .ndjson(dir.appendingPathComponent("dedupe/messages.ndjson")),
                         links: .ndjson(dir.appendingPathComponent("match/links.ndjson")))
    }
}

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
    public var cursors: [FolderCursor]
    /// Identifies the input (e.g. the input files' SHA-256s): an interrupted load resumes from its checkpoint only
    /// when this is unchanged, else it starts over.
    public var inputFingerprint: String

    public init(runId: String, windowStart: String?, windowEnd: String?, mailboxes: [String],
                cursors: [FolderCursor] = [], inputFingerprint: String = "") {
        self.runId = runId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.mailboxes = mailboxes
        self.cursors = cursors
        self.inputFingerprint = inputFingerprint
    }
}
