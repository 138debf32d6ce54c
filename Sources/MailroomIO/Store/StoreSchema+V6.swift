import GRDB

/// Migration `v6-contact-commands`: the run log's `kind` also takes the contacts commands and `relink`
/// (`runKindsV6`), `contact_merges` keeps each `contacts merge` as an undo record, and `contacts.file_row` the
/// contacts file's row last imported into each contact. SQLite cannot widen a CHECK
/// constraint in place, so `runs` is copied into a new table with every row and column. PostgreSQL applies the same
/// migration under the same name (`PGSchema`). Applied after `v5-run-interrupted`; never edit it once released,
/// add a `v7` instead.
///
/// | table | one row per | key | columns |
/// | --- | --- | --- | --- |
/// | `contact_merges` | `contacts merge` | `id` (1, 2, …: the MERGE_ID of `contacts unmerge`) | `run_id` (its run-log row), `kept` (contact id), `merged` (JSON array of the contact ids merged into it), `before` (JSON: the exact rows the merge changed or deleted), `after_sha256` (fingerprint of the kept contact's rows right after the merge: an unmerge is refused once they changed), `undone_run` (the unmerge's run id, once undone) |
extension StoreSchema {
    static func migrateV6(_ db: Database) throws {
        try db.execute(sql: v6)
        try db.execute(sql: "PRAGMA user_version = 6")
        try db.execute(sql: "UPDATE schema_info SET value = '6' WHERE key = 'schema_version'")
    }

    /// Every `runs.kind` from version 6 on.
    static let runKindsV6 = MailboxSchema.runKinds + ["contacts-duplicates", "contacts-merge", "contacts-unmerge",
                                                      "contacts-add-email", "contacts-remove-email", "contacts-export",
                                                      "relink"]

    static let contactMergesTable = """
    CREATE TABLE contact_merges (
        id INTEGER PRIMARY KEY NOT NULL,
        run_id TEXT NOT NULL,
        kept TEXT NOT NULL,
        merged TEXT NOT NULL,
        before TEXT NOT NULL,
        after_sha256 TEXT NOT NULL,
        undone_run TEXT
    )
    """

    /// `contacts.file_row`: the contacts file's row last imported into the contact (`ContactOverlay.fileRow`);
    /// an import of the same row again leaves the contact as a contacts command may have changed it.
    static let contactsFileRow = "ALTER TABLE contacts ADD COLUMN file_row TEXT"

    static var v6: String {
        """
        CREATE TABLE runs_v6 (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('\(runKindsV6.joined(separator: "', '"))')),
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
        INSERT INTO runs_v6(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts,
                            message, cursor_before, cursor_after, throttled, error_code)
            SELECT id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message,
                   cursor_before, cursor_after, throttled, error_code FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v6 RENAME TO runs;
        CREATE INDEX runs_started ON runs(started_at);
        \(contactMergesTable);
        \(contactsFileRow);
        """
    }
}
