/// The statements of the PostgreSQL migrations (`PGSchema`), written with SQLite's types (`TEXT`, `INTEGER`) that
/// `PGSchema.pg` maps. Never edit a released one; add a migration instead.
extension PGSchema {
    /// `v1-core`: `StoreSchema.v1`, with the CHECK constraints of `runs` named so later migrations can widen them.
    static let v1 = [
        "CREATE TABLE schema_info (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
        """
        CREATE TABLE contacts (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('import', 'created-from-sent')),
            created_run TEXT
        )
        """,
        """
        CREATE TABLE contact_emails (
            contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            raw TEXT NOT NULL,
            address TEXT,
            key TEXT UNIQUE,
            folded_key TEXT,
            issue TEXT,
            PRIMARY KEY (contact_id, position)
        )
        """,
        "CREATE INDEX contact_emails_folded ON contact_emails(folded_key)",
        "CREATE TABLE mailboxes (name TEXT PRIMARY KEY NOT NULL)",
        """
        CREATE TABLE threads (
            id TEXT PRIMARY KEY NOT NULL,
            visibility TEXT NOT NULL CHECK (visibility IN ('customer', 'internal')),
            class TEXT NOT NULL CHECK (class IN ('matched', 'unmatched', 'internal-only')),
            proposed_class TEXT NOT NULL,
            subject TEXT NOT NULL,
            first_date TEXT,
            last_date TEXT
        )
        """,
        """
        CREATE TABLE messages (
            key TEXT PRIMARY KEY NOT NULL,
            message_id TEXT,
            content_hash TEXT NOT NULL,
            thread_id TEXT NOT NULL REFERENCES threads(id),
            mailbox TEXT NOT NULL REFERENCES mailboxes(name),
            direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
            date TEXT,
            subject TEXT NOT NULL,
            snippet TEXT NOT NULL,
            bulk INTEGER NOT NULL
        )
        """,
        "CREATE INDEX messages_thread ON messages(thread_id)",
        "CREATE INDEX messages_date ON messages(date)",
        """
        CREATE TABLE message_copies (
            copy_id TEXT PRIMARY KEY NOT NULL,
            message_key TEXT NOT NULL REFERENCES messages(key),
            mailbox TEXT NOT NULL REFERENCES mailboxes(name),
            folder TEXT NOT NULL,
            flags TEXT NOT NULL
        )
        """,
        "CREATE INDEX message_copies_message ON message_copies(message_key)",
        """
        CREATE TABLE participants (
            message_key TEXT NOT NULL REFERENCES messages(key),
            role TEXT NOT NULL,
            address TEXT NOT NULL,
            is_internal INTEGER NOT NULL,
            contact_id TEXT REFERENCES contacts(id),
            rule TEXT,
            CONSTRAINT participants_pkey PRIMARY KEY (message_key, role, address)
        )
        """,
        "CREATE INDEX participants_contact ON participants(contact_id)",
        """
        CREATE TABLE thread_contacts (
            thread_id TEXT NOT NULL REFERENCES threads(id),
            contact_id TEXT NOT NULL REFERENCES contacts(id),
            address TEXT NOT NULL,
            rule TEXT NOT NULL,
            PRIMARY KEY (thread_id, contact_id, address)
        )
        """,
        "CREATE INDEX thread_contacts_contact ON thread_contacts(contact_id)",
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL CONSTRAINT runs_kind_check CHECK (kind IN ('load', 'contacts-import')),
            window_start TEXT,
            window_end TEXT,
            mailboxes TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CONSTRAINT runs_status_check CHECK (status IN ('running', 'ok', 'failed')),
            counts TEXT NOT NULL,
            message TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE checkpoints (
            run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs(id),
            phase TEXT NOT NULL,
            position INTEGER NOT NULL,
            input TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE cursors (
            mailbox TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            highest_uid INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (mailbox, folder)
        )
        """,
    ]

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
