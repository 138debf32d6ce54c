import GRDB

/// Migration `v2-lifecycle`: mailbox state, what relies on a mailbox, cursor authority, and the run log's extra
/// columns. Applied after `v1-core`; never edit it once released, add a `v3` instead.
///
/// ## Store schema additions (version 2)
///
/// | table | change |
/// | --- | --- |
/// | `mailboxes` | + `state` (`connected` or `disconnected`), `state_changed_at`, `state_reason` (why, for a person), `credentials_ref` (where the secret comes from, `env:NAME` or `file:PATH`: never the secret; cleared on disconnect), `sync_pending` (1 after a reconnect until a sync succeeds) |
/// | `mailbox_dependents` | one row per (mailbox, kind, name) that relies on a mailbox: `kind` is `owner`, `shared-user` or `email-flow` (a CRM flow that sends through it); `added_at` |
/// | `cursors` | + `authoritative` (0 after a disconnect: the next sync confirms UIDVALIDITY before trusting it; saving a cursor sets it back to 1) |
/// | `runs` | `kind` widened to `load`, `contacts-import`, `sync`, `backfill`, `dry-run`, `review`, `disconnect`, `reconnect`; `status` also `partial`; + `cursor_before`, `cursor_after` (JSON arrays of `{folder, uidValidity, highestUID}`), `throttled` (provider throttling answers met), `error_code` (`ExitStatus` name of a failed run) |
enum MailboxSchema {
    static func migrateV2(_ db: Database) throws {
        try db.execute(sql: v2)
        try db.execute(sql: "PRAGMA user_version = 2")
        try db.execute(sql: "UPDATE schema_info SET value = '2' WHERE key = 'schema_version'")
    }

    static let runKinds = ["load", "contacts-import", "sync", "backfill", "dry-run", "review", "disconnect", "reconnect"]

    static let v2 = """
    ALTER TABLE mailboxes ADD COLUMN state TEXT NOT NULL DEFAULT 'connected'
        CHECK (state IN ('connected', 'disconnected'));
    ALTER TABLE mailboxes ADD COLUMN state_changed_at TEXT;
    ALTER TABLE mailboxes ADD COLUMN state_reason TEXT;
    ALTER TABLE mailboxes ADD COLUMN credentials_ref TEXT;
    ALTER TABLE mailboxes ADD COLUMN sync_pending INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE mailbox_dependents (
        mailbox TEXT NOT NULL REFERENCES mailboxes(name),
        kind TEXT NOT NULL CHECK (kind IN ('owner', 'shared-user', 'email-flow')),
        name TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (mailbox, kind, name)
    );
    ALTER TABLE cursors ADD COLUMN authoritative INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE runs_v2 (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('load', 'contacts-import', 'sync', 'backfill', 'dry-run', 'review',
                                           'disconnect', 'reconnect')),
        window_start TEXT,
        window_end TEXT,
        mailboxes TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'partial')),
        counts TEXT NOT NULL,
        message TEXT NOT NULL,
        cursor_before TEXT,
        cursor_after TEXT,
        throttled INTEGER NOT NULL DEFAULT 0,
        error_code TEXT
    );
    INSERT INTO runs_v2(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message)
        SELECT id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    CREATE INDEX runs_started ON runs(started_at);
    """
}
