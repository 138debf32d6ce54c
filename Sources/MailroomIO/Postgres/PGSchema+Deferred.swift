/// The PostgreSQL side of the SQLite load's deferred indexes (`StoreSchema.deferredIndexes`): a load that starts on
/// a store with no messages, copies or participants drops the secondary indexes of those tables and their foreign
/// keys, and adds them back when it finishes, each built or checked once over all its rows (`CREATE INDEX`, and
/// `ADD CONSTRAINT … FOREIGN KEY`, which checks every row in one join) instead of row by row. The unique keys stay,
/// so every upsert still finds its row. A load stopped before it finished leaves them missing until a load
/// finishes (the resumed one, or any later one, which adds them back before its first row). Both run under the
/// migration lock (`lockKey`), so two processes never drop or add the same one at once.
extension PGSchema {
    static let deferredIndexes: [(name: String, sql: String)] = [
        ("messages_thread", "CREATE INDEX messages_thread ON messages(thread_id)"),
        ("messages_date", "CREATE INDEX messages_date ON messages(date)"),
        ("message_copies_message", "CREATE INDEX message_copies_message ON message_copies(message_key)"),
        ("participants_contact", "CREATE INDEX participants_contact ON participants(contact_id)"),
    ]

    /// The foreign keys of the large tables, with the names PostgreSQL gave them in `v1-core`.
    static let deferredForeignKeys: [(table: String, name: String, definition: String)] = [
        ("messages", "messages_thread_id_fkey", "FOREIGN KEY (thread_id) REFERENCES threads(id)"),
        ("messages", "messages_mailbox_fkey", "FOREIGN KEY (mailbox) REFERENCES mailboxes(name)"),
        ("message_copies", "message_copies_message_key_fkey", "FOREIGN KEY (message_key) REFERENCES messages(key)"),
        ("message_copies", "message_copies_mailbox_fkey", "FOREIGN KEY (mailbox) REFERENCES mailboxes(name)"),
        ("participants", "participants_message_key_fkey", "FOREIGN KEY (message_key) REFERENCES messages(key)"),
        ("participants", "participants_contact_id_fkey", "FOREIGN KEY (contact_id) REFERENCES contacts(id)"),
    ]

    /// Inside the caller's transaction: drops the deferred indexes and foreign keys when messages, copies and
    /// participants are all empty; true when it did.
    static func dropDeferredIfEmpty(_ c: PGConnection) throws -> Bool {
        try c.execute("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey])
        guard try c.execute("""
            SELECT NOT EXISTS (SELECT 1 FROM messages) AND NOT EXISTS (SELECT 1 FROM message_copies)
               AND NOT EXISTS (SELECT 1 FROM participants)
            """).scalar == "t" else { return false }
        for k in deferredForeignKeys { try c.execute("ALTER TABLE \(k.table) DROP CONSTRAINT IF EXISTS \(k.name)") }
        for i in deferredIndexes { try c.execute("DROP INDEX IF EXISTS \(i.name)") }
        return true
    }

    /// Inside the caller's transaction: adds back the deferred indexes and foreign keys that are missing.
    static func createMissingDeferred(_ c: PGConnection) throws {
        try c.execute("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey])
        let indexes = Set(try c.execute("""
            SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
            """).rows.compactMap { $0.first ?? nil })
        let keys = Set(try c.execute("""
            SELECT conname FROM pg_constraint WHERE contype = 'f'
               AND conrelid IN ('messages'::regclass, 'message_copies'::regclass, 'participants'::regclass)
            """).rows.compactMap { $0.first ?? nil })
        for i in deferredIndexes where !indexes.contains(i.name) { try c.execute(i.sql) }
        for k in deferredForeignKeys where !keys.contains(k.name) {
            try c.execute("ALTER TABLE \(k.table) ADD CONSTRAINT \(k.name) \(k.definition)")
        }
    }
}
