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
    /// The records of an NDJSON file, one per line (blank lines skipped). A missing file is an `.input` error.
    public static func ndjson(_ url: URL) -> RecordSource<R> {
        RecordSource { body in
            try NDJSONLines.forEach(url: url) { bytes, line in
                let record: R
                do {
                    record = try R(jsonBytes: bytes)
                } catch {
                    throw MailroomError(.input, "line \(line) is not a valid record: \(error)", location: url.path)
                }
                try body(record)
            }
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

    public init(runId: String, windowStart: String?, windowEnd: String?, mailboxes: [String],
                cursors: [FolderCursor] = []) {
        self.runId = runId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.mailboxes = mailboxes
        self.cursors = cursors
    }
}

/// Reads a file line by line as bytes (no Character splitting), for the loader until the shared NDJSON reader
/// is used.
enum NDJSONLines {
    static func forEach(url: URL, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        guard let f = fopen(url.path, "rb") else {
            let e = errno
            throw MailroomError(.input, "cannot read: \(String(cString: strerror(e)))", location: url.path)
        }
        defer { fclose(f) }
        var linePtr: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(linePtr) }
        var lineNo = 0
        while true {
            let n = getline(&linePtr, &cap, f)
            if n < 0 {
                if ferror(f) != 0 {
                    throw MailroomError(.input, "read failed after line \(lineNo)", location: url.path)
                }
                break
            }
            lineNo += 1
            guard let p = linePtr else { continue }
            var bytes = Array(UnsafeRawBufferPointer(start: p, count: n).bindMemory(to: UInt8.self))[...]
            while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes = bytes.dropLast() }
            if bytes.isEmpty { continue }
            try body(bytes, lineNo)
        }
    }
}
