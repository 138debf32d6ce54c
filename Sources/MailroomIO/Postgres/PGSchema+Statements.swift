import Foundation

/// The statements of the PostgreSQL migrations (`PGSchema`), written with SQLite's types (`TEXT`, `INTEGER`) that
/// `PGSchema.pg` maps. Never edit a released one; add a migration instead.
extension PGSchema {
    /// `v1-core`: `StoreSchema.v1`'s own statements (one definition for both stores; `pg` maps the types). The
    /// constraints later migrations alter get PostgreSQL's default names: `runs_kind_check` and `runs_status_check`
    /// (`<table>_<column>_check` for a column's CHECK) and `participants_pkey` (`<table>_pkey`).
    static let v1 = StoreSchema.v1.split(separator: ";")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { !$0.isEmpty }

    /// `v2-lifecycle` (`MailboxSchema.v2`): SQLite copies `runs` to widen its checks; PostgreSQL replaces them.
    /// The new columns come last, in SQLite's order.
    static let v2 = [
        "ALTER TABLE mailboxes ADD COLUMN state TEXT NOT NULL DEFAULT 'connected' CHECK (state IN ('connected', 'disconnected'))",
        "ALTER TABLE mailboxes ADD COLUMN state_changed_at TEXT",
        "ALTER TABLE mailboxes ADD COLUMN state_reason TEXT",
        "ALTER TABLE mailboxes ADD COLUMN credentials_ref TEXT",
        "ALTER TABLE mailboxes ADD COLUMN sync_pending INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TABLE mailbox_dependents (
            mailbox TEXT NOT NULL REFERENCES mailboxes(name),
            kind TEXT NOT NULL CHECK (kind IN ('owner', 'shared-user', 'email-flow')),
            name TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (mailbox, kind, name)
        )
        """,
        "ALTER TABLE cursors ADD COLUMN authoritative INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE runs DROP CONSTRAINT runs_kind_check",
        "ALTER TABLE runs ADD CONSTRAINT runs_kind_check CHECK (kind IN ('" + MailboxSchema.runKinds.joined(separator: "', '") + "'))",
        "ALTER TABLE runs DROP CONSTRAINT runs_status_check",
        "ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running', 'ok', 'failed', 'partial'))",
        "ALTER TABLE runs ADD COLUMN cursor_before TEXT",
        "ALTER TABLE runs ADD COLUMN cursor_after TEXT",
        "ALTER TABLE runs ADD COLUMN throttled INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN error_code TEXT",
        "CREATE INDEX runs_started ON runs(started_at)",
    ]

    /// `v3-load-indexes`: the participants' key becomes the unique index `participants_key` (same columns).
    static let v3 = [
        "ALTER TABLE participants DROP CONSTRAINT participants_pkey",
        "CREATE UNIQUE INDEX participants_key ON participants(message_key, role, address)",
    ]
}
