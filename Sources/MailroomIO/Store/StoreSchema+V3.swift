import GRDB

/// Migration `v3-load-indexes`: `participants` keeps its key `(message_key, role, address)` as the unique index
/// `participants_key` instead of a `PRIMARY KEY` clause (same columns, rows and uniqueness), so that a load into
/// an empty store can build it after the rows, like the other indexes of `deferredIndexes`. Applied after
/// `v2-lifecycle`; never edit it once released, add a `v4` instead.
extension StoreSchema {
    static func migrateV3(_ db: Database) throws {
        try db.execute(sql: v3)
        try db.execute(sql: "PRAGMA user_version = 3")
        try db.execute(sql: "UPDATE schema_info SET value = '3' WHERE key = 'schema_version'")
    }

    static let v3 = """
    CREATE TABLE participants_v3 (
        message_key TEXT NOT NULL REFERENCES messages(key),
        role TEXT NOT NULL,
        address TEXT NOT NULL,
        is_internal INTEGER NOT NULL,
        contact_id TEXT REFERENCES contacts(id),
        rule TEXT
    );
    INSERT INTO participants_v3(message_key, role, address, is_internal, contact_id, rule)
        SELECT message_key, role, address, is_internal, contact_id, rule FROM participants;
    DROP TABLE participants;
    ALTER TABLE participants_v3 RENAME TO participants;
    CREATE UNIQUE INDEX participants_key ON participants(message_key, role, address);
    CREATE INDEX participants_contact ON participants(contact_id);
    """

    /// The indexes of the load's large tables that are not a table's primary key: a load that starts on a store
    /// with no messages, copies or participants drops them and builds each once, sorted, after its rows (each
    /// row inserted in arrival order would otherwise touch a random page of every index). A resumed load keeps
    /// building them last; any other load builds those missing before its first row.
    static let deferredIndexes: [(name: String, sql: String)] = [
        ("messages_thread", "CREATE INDEX messages_thread ON messages(thread_id)"),
        ("messages_date", "CREATE INDEX messages_date ON messages(date)"),
        ("message_copies_message", "CREATE INDEX message_copies_message ON message_copies(message_key)"),
        ("participants_key", "CREATE UNIQUE INDEX participants_key ON participants(message_key, role, address)"),
        ("participants_contact", "CREATE INDEX participants_contact ON participants(contact_id)"),
    ]

    /// The page cache while deferred indexes are built, in KiB (the sorter's memory follows it).
    static let sortCacheKiB = 4096

    /// Whether the participants' unique key is in place (otherwise a load is inserting into an empty store).
    static func hasParticipantsKey(_ db: Database) throws -> Bool {
        try !missingDeferredIndexes(db).contains("participants_key")
    }

    /// Whether the load's large tables (messages, their copies and participants) are empty: a first load.
    static func holdsNoMail(_ db: Database) throws -> Bool {
        for table in ["messages", "message_copies", "participants"] {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM \(table))") == true { return false }
        }
        return true
    }

    /// Drops the deferred indexes when the load's large tables are empty; true when it did.
    static func dropDeferredIndexesIfEmpty(_ db: Database) throws -> Bool {
        guard try holdsNoMail(db) else { return false }
        for index in deferredIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
        return true
    }

    /// Builds the deferred indexes that are missing. Rows inserted without the participants' unique key repeat
    /// a key only when the input did: then the last one inserted is kept, with the last contact any of them
    /// named, as the upsert would have left it.
    /// SQLite sizes its sorter by `cache_size`: the page cache is lowered to `sortCacheKiB` meanwhile, so that
    /// the sort reuses the cache's memory instead of adding as much again.
    static func createMissingIndexes(_ db: Database) throws {
        let missing = try missingDeferredIndexes(db)
        guard !missing.isEmpty else { return }
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -\(sortCacheKiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
        for index in deferredIndexes where missing.contains(index.name) {
            do {
                try db.execute(sql: index.sql)
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT && index.name == "participants_key" {
                // As the upsert leaves it: the last row, linked to the last contact any of the rows named (a load
                // never unlinks). A temporary index keeps this rare path linear.
                try db.execute(sql: """
                    CREATE INDEX participants_repeats ON participants(message_key, role, address);
                    UPDATE participants AS p SET
                        contact_id = (SELECT q.contact_id FROM participants q WHERE q.message_key = p.message_key
                                      AND q.role = p.role AND q.address = p.address AND q.contact_id IS NOT NULL
                                      ORDER BY q.rowid DESC LIMIT 1),
                        rule = (SELECT q.rule FROM participants q WHERE q.message_key = p.message_key
                                AND q.role = p.role AND q.address = p.address AND q.contact_id IS NOT NULL
                                ORDER BY q.rowid DESC LIMIT 1)
                    WHERE p.contact_id IS NULL AND p.rowid IN
                        (SELECT max(rowid) FROM participants GROUP BY message_key, role, address HAVING count(*) > 1);
                    DELETE FROM participants WHERE rowid NOT IN
                        (SELECT max(rowid) FROM participants GROUP BY message_key, role, address);
                    DROP INDEX participants_repeats;
                    """)
                try db.execute(sql: index.sql)
            }
        }
    }


    private static func missingDeferredIndexes(_ db: Database) throws -> Set<String> {
        let present = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
        return Set(deferredIndexes.map(\.name).filter { !present.contains($0) })
    }
}
