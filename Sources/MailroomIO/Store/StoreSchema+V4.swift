import GRDB

/// Migration `v4-subject-joins`: `messages` gains `joined_by_subject` (1 when match placed the message in its
/// thread by subject: a reply without In-Reply-To or References that shares an external participant with the
/// thread; 0 otherwise, and for every message loaded before this version). `review` checks those messages
/// (`subject-join-stranger`). Applied after `v3-load-indexes`; never edit it once released, add a `v5` instead.
extension StoreSchema {
    static func migrateV4(_ db: Database) throws {
        try db.execute(sql: v4)
        try db.execute(sql: "PRAGMA user_version = 4")
        try db.execute(sql: "UPDATE schema_info SET value = '4' WHERE key = 'schema_version'")
    }

    static let v4 = """
    ALTER TABLE messages ADD COLUMN joined_by_subject INTEGER NOT NULL DEFAULT 0;
    """
}
