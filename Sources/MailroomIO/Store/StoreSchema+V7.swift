import GRDB

/// Migration `v7-thread-ids`: the ids each stored thread covers, so that a load finds a thread another worker
/// stored under another root and merges the two (`LoadState+ThreadMerge.swift`). PostgreSQL applies the same
/// migration under the same name (`PGSchema`). Applied after `v6-contact-commands`; never edit it once released,
/// add a `v8` instead. Neither table is in the canonical dump (`tables`): both index what the dumped tables hold,
/// and they differ between load orders that end with the same threads.
///
/// | table | one row per | key | columns |
/// | --- | --- | --- | --- |
/// | `thread_ids` | id a stored thread covers (`ThreadRecord.ids`: Message-IDs, placeholder ids, keys of messages threaded on their own) | `id` | `thread_id` (the stored thread holding it), `is_root` (1 when some load saw it as its thread's root), `has_parent` (1 when some load saw it with a parent) |
/// | `thread_merges` | thread id a load merged into another | `loser` | `survivor` (the stored thread that holds its messages now) |
extension StoreSchema {
    static func migrateV7(_ db: Database) throws {
        for sql in v7 { try db.execute(sql: sql) }
        try db.execute(sql: "PRAGMA user_version = 7")
        try db.execute(sql: "UPDATE schema_info SET value = '7' WHERE key = 'schema_version'")
    }

    /// The statements of `v7-thread-ids`, the same for both stores.
    static let v7 = [
        """
        CREATE TABLE thread_ids (
            id TEXT PRIMARY KEY NOT NULL,
            thread_id TEXT NOT NULL,
            is_root INTEGER NOT NULL,
            has_parent INTEGER NOT NULL
        )
        """,
        "CREATE INDEX thread_ids_thread ON thread_ids(thread_id)",
        """
        CREATE TABLE thread_merges (
            loser TEXT PRIMARY KEY NOT NULL,
            survivor TEXT NOT NULL
        )
        """,
        "CREATE INDEX thread_merges_survivor ON thread_merges(survivor)",
    ]
}
