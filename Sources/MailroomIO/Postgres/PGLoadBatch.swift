import MailroomCore

/// The batch writers of `PGStoreLoader`: each copies a batch into its staging tables (temporary, emptied at
/// commit) and merges them with `LoadState`'s rules written as SQL. Callers guarantee each key once per batch.
final class PGLoadBatch {
    let c: PGConnection
    let state: LoadState
    /// Contact ids seen to exist (as `LoadState.contactsKnown`).
    var contactsKnown: Set<String> = []
    /// Tables where a batch's plain `INSERT` met a key already stored: their merges are upserts for the rest of
    /// the load (`merge`).
    var upsertOnly: Set<String> = []
    /// Address → the contact created from sent mail for it, or nil when an imported contact holds it (the answer
    /// never changes during the links phase: only this load creates contacts then).
    var createdFor: [String: String?] = [:]

    init(connection: PGConnection, state: LoadState) {
        c = connection
        self.state = state
    }

    /// After a batch's transaction was rolled back (to retry it): what it learnt may not be in the store.
    func forgetCaches() {
        contactsKnown.removeAll()
        createdFor.removeAll()
    }

    /// Transaction advisory lock of the contacts phase: workers importing the same contacts file take turns, each
    /// reading who holds an address after the previous one committed.
    static let contactsLockKey = "mailroom-load-contacts"

    static let text = "TEXT COLLATE \"C\""
    static let staging: [(name: String, columns: [String])] = [
        ("in_contacts", ["id", "name", "file_row"]),
        ("in_contact_emails", ["contact_id", "position", "raw", "address", "key", "folded_key", "issue"]),
        ("in_threads", ["id", "class", "subject", "first_date", "last_date"]),
        ("in_thread_contacts", ["thread_id", "contact_id", "address", "rule"]),
        ("in_messages", ["key", "message_id", "content_hash", "thread_id", "mailbox", "direction", "date", "subject",
                         "snippet", "bulk", "joined_by_subject"]),
        ("in_copies", ["copy_id", "message_key", "mailbox", "folder", "flags", "labels"]),
        ("in_participants", ["message_key", "role", "address", "is_internal", "contact_id", "rule"]),
        ("in_thread_ids", ["id", "thread_id", "is_root", "has_parent"]),
        ("in_thread_groups", ["member", "survivor"]),
    ]
    static let integers: Set<String> = ["bulk", "joined_by_subject", "is_internal", "position", "is_root", "has_parent"]

    /// The session's staging tables (`ON COMMIT DELETE ROWS`), created once per connection.
    static func createStaging(_ c: PGConnection) throws {
        for t in staging {
            let cols = t.columns.map { "\($0) \(integers.contains($0) ? "BIGINT" : text)" }.joined(separator: ", ")
            try c.execute("CREATE TEMP TABLE IF NOT EXISTS \(t.name) (\(cols)) ON COMMIT DELETE ROWS")
        }
    }

    func copy(_ table: String, _ rows: [[String?]]) throws {
        guard !rows.isEmpty, let t = Self.staging.first(where: { $0.name == table }) else { return }
        try c.copyIn(table: table, columns: t.columns, rows: rows)
    }

    // MARK: keys a batch holds once

    /// Keys as stored (`StoreText`): two values that differ only by a NUL and U+FFFD are one row.
    static func keys(_ t: ThreadRecord) -> [String] {
        (["t:" + t.threadId] + t.contacts.map { "tc:\(t.threadId)\u{1}\($0.contactId)\u{1}\($0.address)" })
            .map(StoreText.normalized)
    }

    static func keys(_ m: DedupedMessage) -> [String] {
        (["m:" + m.key] + m.copies.map { "c:" + $0.copyId }).map(StoreText.normalized)
    }

    static func keys(_ l: ParticipantLink) -> [String] {
        [StoreText.normalized("p:\(l.messageKey)\u{1}\(l.role)\u{1}\(l.address)")]
    }

    // MARK: writers

    /// Holds the thread lock shared too: an imported contact replacing one created from sent mail moves its
    /// thread links, which no merge of another worker may move meanwhile.
    func writeContacts(_ contacts: [Contact]) throws {
        try Self.lockThreads(c, shared: true)
        try c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [Self.contactsLockKey])
        let todo = try PGContacts.notSkipped(c, contacts)
        guard !todo.isEmpty else { return }
        try PGContacts.upsertBatch(c, todo)
    }

    /// `LoadState.applyThread`: visibility fixed when first stored; class and proposed class only move up; dates
    /// widen; the subject is the earliest message's. Thread contacts only on customer threads, existing contacts.
    /// Then `LoadState.applyThreadIds`: the ids the threads cover, and merges with stored threads sharing one
    /// (`PGLoadBatch+ThreadIds.swift`), under the store's thread lock held until the batch commits.
    func writeThreads(_ p: PreparedThreads) throws {
        try Self.lockThreads(c, shared: false)
        try copy("in_threads", p.threads)
        try copy("in_thread_contacts", p.contacts)
        try merge("threads", Self.mergeThreads)
        if !p.contacts.isEmpty { try merge("thread_contacts", Self.mergeThreadContacts) }
        try writeThreadIds(p.ids)
    }

    /// A threads batch's rows (`prepareThreads`), ready for `writeThreads`.
    struct PreparedThreads {
        var threads: [[String?]]
        var contacts: [[String?]]
        var ids: PreparedThreadIds
    }

    /// Everything of a threads batch that needs not the store, on the loader's batching thread
    /// (`PGStoreLoader.startPhase`): a thread's contact links, the last one per contact and address; and its ids.
    static func prepareThreads(_ threads: [ThreadRecord]) -> PreparedThreads {
        var contactRows: [[String?]] = []
        for t in threads {
            var seen: [String: Int] = [:]
            for tc in t.contacts {
                let row: [String?] = [t.threadId, tc.contactId, tc.address, tc.rule.rawValue]
                let k = StoreText.normalized("\(tc.contactId)\u{1}\(tc.address)")
                if let i = seen[k] { contactRows[i] = row } else { seen[k] = contactRows.count; contactRows.append(row) }
            }
        }
        return PreparedThreads(threads: threads.map { [$0.threadId, $0.classification.rawValue, $0.subject, $0.firstDate, $0.lastDate] },
                               contacts: contactRows, ids: prepareThreadIds(threads))
    }

    /// A messages batch encoded for COPY (`prepareMessages`), ready for `writeMessages`.
    struct PreparedMessages {
        var messages: [UInt8]
        var copies: [UInt8]
        /// Array literal of the mailboxes the rows name.
        var mailboxes: String
    }

    /// `LoadState.messageWriter`'s rows: the message's mailbox is the least among its copies. Reads only `state`'s
    /// threads of the load (fixed once the threads phase is read), so it runs ahead of the batch before, on the
    /// loader's batching thread (`PGStoreLoader.startPhase`).
    static func prepareMessages(_ messages: [DedupedMessage], state: LoadState) throws -> PreparedMessages {
        var rows: [[String?]] = []
        var copies: [[String?]] = []
        var mailboxes: Set<String> = []
        rows.reserveCapacity(messages.count)
        for d in messages {
            let m = d.message
            guard let threadId = state.threadOf.threadId(for: d.key) else {
                throw MailroomError(.input, "a message of dedupe/messages.ndjson is in no thread of "
                                    + "match/threads.ndjson: rerun the match stage")
            }
            var mailbox = m.mailbox
            for cp in d.copies where cp.mailbox < mailbox { mailbox = cp.mailbox }
            mailboxes.insert(StoreText.normalized(mailbox))
            rows.append([d.key, m.messageId, m.contentHash, threadId, mailbox, m.direction.rawValue, m.date, m.subject,
                         m.snippet, m.bulk.isEmpty ? "0" : "1", state.joinedBySubject.contains(d.key) ? "1" : "0"])
            for cp in d.copies {
                var w = JSONWriter()
                w.beginArray()
                for f in cp.flags.sorted() { w.string(f) }
                w.endArray()
                mailboxes.insert(StoreText.normalized(cp.mailbox))
                copies.append([cp.copyId, d.key, cp.mailbox, cp.folder, String(decoding: w.bytes, as: UTF8.self),
                               StoreSchema.labelsColumn(cp.labels)])
            }
        }
        return PreparedMessages(messages: PostgresCopy.encodeSorted(rows), copies: PostgresCopy.encodeSorted(copies),
                                mailboxes: arrayLiteral(mailboxes))
    }

    /// `LoadState.messageWriter`: mailboxes first. A thread some load merged into another (`thread_merges`) stands
    /// for its survivor, read under the shared thread lock, so no merge of another worker moves threads between
    /// the read and the commit.
    func writeMessages(_ p: PreparedMessages) throws {
        try Self.lockThreads(c, shared: true)
        try c.execute("""
            INSERT INTO mailboxes(name) SELECT n FROM unnest($1::text[]) AS u(n) ORDER BY n COLLATE "C"
            ON CONFLICT (name) DO NOTHING
            """, [p.mailboxes])
        // `mergeMessages` joins `thread_merges`; while no thread was ever merged, the rows go straight in.
        let merged = try c.execute("SELECT EXISTS (SELECT 1 FROM thread_merges)").scalar == "t"
        try copyMerge("messages", staging: "in_messages", encoded: p.messages, upsert: Self.mergeMessages, direct: !merged)
        try copyMerge("message_copies", staging: "in_copies", encoded: p.copies, upsert: Self.mergeCopies)
    }
}
