import Foundation

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

