import GRDB

/// Migration `v5-run-interrupted`: the run log's `status` also takes `interrupted` (a run stopped by SIGINT or
/// SIGTERM at a safe point; its message names the stage it reached). SQLite cannot widen a CHECK constraint in
/// place, so `runs` is copied into a new table with every row and column. Applied after `v4-subject-joins`; never
/// edit it once released, add a `v6` instead.
extension StoreSchema {
    static func migrateV5(_ db: Database) throws {
        try db.execute(sql: v5)
        try db.execute(sql: "PRAGMA user_version = 5")
        try db.execute(sql: "UPDATE schema_info SET value = '5' WHERE key = 'schema_version'")
    }

    static let v5 = """
    CREATE TABLE runs_v5 (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('load', 'contacts-import', 'sync', 'backfill', 'dry-run', 'review',
                                           'disconnect', 'reconnect')),
        window_start TEXT,
        window_end TEXT,
        mailboxes TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'partial', 'interrupted')),
        counts TEXT NOT NULL,
        message TEXT NOT NULL,
        cursor_before TEXT,
        cursor_after TEXT,
        throttled INTEGER NOT NULL DEFAULT 0,
        error_code TEXT
    );
    INSERT INTO runs_v5(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message,
                        cursor_before, cursor_after, throttled, error_code)
        SELECT id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message,
               cursor_before, cursor_after, throttled, error_code FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v5 RENAME TO runs;
    CREATE INDEX runs_started ON runs(started_at);
    """
}
