/// The merges of the staging tables into the store: `LoadState`'s upserts, row for row, as set statements. Each
/// reads its staging rows in key order (a batch holds each key once, so the order changes no row): two workers'
/// batches that share keys then lock them in the same order (fewer deadlocks to retry), and the inserts walk the
/// key's index and the parents' keys in order instead of jumping across them row by row.
extension PGLoadBatch {
    /// `LoadState.classRank` in SQL.
    private static func rank(_ x: String) -> String {
        "(CASE \(x) WHEN 'matched' THEN 2 WHEN 'unmatched' THEN 1 ELSE 0 END)"
    }

    /// `LoadState.higher(a, b)`.
    private static func higher(_ a: String, _ b: String) -> String {
        "(CASE WHEN \(rank(a)) >= \(rank(b)) THEN \(a) ELSE \(b) END)"
    }

    static let mergeThreads = """
        INSERT INTO threads(id, visibility, class, proposed_class, subject, first_date, last_date)
        SELECT id, CASE WHEN class = 'internal-only' THEN 'internal' ELSE 'customer' END, class, class, subject,
               first_date, last_date FROM in_threads ORDER BY id
        ON CONFLICT (id) DO UPDATE SET
            class = CASE WHEN threads.visibility = 'internal' THEN 'internal-only'
                         WHEN excluded.class = 'internal-only' THEN threads.class
                         ELSE \(higher("threads.class", "excluded.class")) END,
            proposed_class = \(higher("threads.proposed_class", "excluded.class")),
            subject = CASE WHEN excluded.first_date IS NOT NULL
                                AND (threads.first_date IS NULL OR excluded.first_date < threads.first_date)
                           THEN excluded.subject
                           WHEN excluded.first_date IS NOT DISTINCT FROM threads.first_date
                           THEN LEAST(threads.subject, excluded.subject)
                           ELSE threads.subject END,
            first_date = LEAST(threads.first_date, excluded.first_date),
            last_date = GREATEST(threads.last_date, excluded.last_date)
        """

    static let mergeThreadContacts = """
        INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
        SELECT i.thread_id, i.contact_id, i.address, i.rule FROM in_thread_contacts i
        JOIN threads t ON t.id = i.thread_id AND t.visibility = 'customer'
        WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.id = i.contact_id)
        ORDER BY i.thread_id, i.contact_id, i.address
        ON CONFLICT (thread_id, contact_id, address) DO UPDATE SET rule = excluded.rule
        """

    /// `LoadState.upsertMessage`: a bulk copy never replaces a direct copy's subject and snippet. A merged
    /// thread's messages go to its survivor (`LoadState.renamedThreads`).
    static let mergeMessages = """
        INSERT INTO messages(key, message_id, content_hash, thread_id, mailbox, direction, date, subject,
                             snippet, bulk, joined_by_subject)
        SELECT i.key, i.message_id, i.content_hash, coalesce(r.survivor, i.thread_id), i.mailbox, i.direction, i.date,
               i.subject, i.snippet, i.bulk, i.joined_by_subject
        FROM in_messages i LEFT JOIN thread_merges r ON r.loser = i.thread_id ORDER BY i.key
        ON CONFLICT (key) DO UPDATE SET message_id = excluded.message_id,
            content_hash = LEAST(messages.content_hash, excluded.content_hash), thread_id = excluded.thread_id,
            mailbox = LEAST(messages.mailbox, excluded.mailbox),
            direction = CASE WHEN messages.direction = 'sent' OR excluded.direction = 'sent' THEN 'sent'
                             ELSE 'received' END,
            date = excluded.date,
            subject = CASE WHEN excluded.bulk > messages.bulk THEN messages.subject ELSE excluded.subject END,
            snippet = CASE WHEN excluded.bulk > messages.bulk THEN messages.snippet ELSE excluded.snippet END,
            bulk = LEAST(messages.bulk, excluded.bulk), joined_by_subject = excluded.joined_by_subject
        """

    static let mergeCopies = """
        INSERT INTO message_copies(copy_id, message_key, mailbox, folder, flags, labels)
        SELECT copy_id, message_key, mailbox, folder, flags, labels FROM in_copies ORDER BY copy_id
        ON CONFLICT (copy_id) DO UPDATE SET message_key = excluded.message_key,
            mailbox = excluded.mailbox, folder = excluded.folder, flags = excluded.flags, labels = excluded.labels
        """

    static let mergeParticipants = """
        INSERT INTO participants(message_key, role, address, is_internal, contact_id, rule)
        SELECT message_key, role, address, is_internal, contact_id, rule FROM in_participants
        ORDER BY message_key, role, address
        ON CONFLICT (message_key, role, address) DO UPDATE SET is_internal = excluded.is_internal,
            contact_id = coalesce(excluded.contact_id, participants.contact_id),
            rule = CASE WHEN excluded.contact_id IS NULL THEN participants.rule ELSE excluded.rule END
        """

    /// `LoadState.linkWriter`'s thread link of a contact created from sent mail (`INSERT OR IGNORE`).
    static let addCreatedThreadContacts = """
        INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
        SELECT thread_id, contact_id, address, rule FROM in_thread_contacts ORDER BY thread_id, contact_id, address
        ON CONFLICT (thread_id, contact_id, address) DO NOTHING
        """
}

extension PGLoadBatch {
    /// Writes a batch into `table` whose keys the store may not hold yet (a first load, new mail). While no batch
    /// of this load met a stored key of `table`, `fresh` (a plain insert: the upsert's speculative insertion is
    /// work for nothing there) runs first, under a savepoint. When it meets a stored key (`23505`, also one another
    /// worker committed meanwhile), the savepoint is rolled back and `upsert` runs, as it does for the rest of the
    /// load (`upsertOnly`), so a reload pays for at most one wasted try per table. With no key stored, both leave
    /// the same rows.
    func freshFirst<T>(_ table: String, fresh: () throws -> T, upsert: () throws -> T) throws -> T {
        guard !upsertOnly.contains(table) else { return try upsert() }
        try c.execute("SAVEPOINT fresh_rows")
        do {
            let value = try fresh()
            try c.execute("RELEASE SAVEPOINT fresh_rows")
            return value
        } catch where PGRetry.sqlState(error) == "23505" {
            try c.execute("ROLLBACK TO SAVEPOINT fresh_rows")
            try c.execute("RELEASE SAVEPOINT fresh_rows")
            upsertOnly.insert(table)
            return try upsert()
        }
    }

    /// Runs a merge of `table` (`INSERT … SELECT … ON CONFLICT …`), tried first as the same statement without its
    /// `ON CONFLICT` clause (`freshFirst`).
    func merge(_ table: String, _ upsert: String) throws {
        guard let cut = upsert.range(of: "ON CONFLICT") else {
            try c.execute(upsert)
            return
        }
        try freshFirst(table, fresh: { _ = try c.execute(String(upsert[..<cut.lowerBound])) },
                       upsert: { _ = try c.execute(upsert) })
    }

    /// A merge whose upsert reads one staging table alone (`staging`'s columns are `table`'s), of rows encoded
    /// for COPY in key order (`PostgresCopy.encodeSorted`): two workers inserting the same new keys meet them in
    /// the same order. With `direct`, the fresh try (`freshFirst`) copies the rows straight into `table`: the rows
    /// the upsert would leave, without the staging copy and its second pass over them (and a batch whose
    /// transaction touches no temporary table commits without emptying them). Otherwise, or once a key is stored,
    /// the same rows go into staging and `merge` runs.
    func copyMerge(_ table: String, staging: String, encoded: [UInt8], upsert: String, direct: Bool = true,
                   columns: [String]? = nil) throws {
        guard !encoded.isEmpty, let columns = columns ?? Self.staging.first(where: { $0.name == staging })?.columns else { return }
        let staged = {
            try self.c.copyIn(table: staging, columns: columns, encoded: encoded)
            try self.merge(table, upsert)
        }
        guard direct else { return try staged() }
        try freshFirst(table, fresh: { _ = try c.copyIn(table: table, columns: columns, encoded: encoded) }, upsert: staged)
    }
}
