import GRDB

/// The CRM store's SQLite schema, applied by named migrations.
///
/// ## Store schema (version 1, migration `v1-core`; `v2-lifecycle`, `v3-load-indexes`, `v4-subject-joins`,
/// `v5-run-interrupted` and `v6-contact-commands` change it, see `MailboxSchema` and `StoreSchema+V3.swift` to
/// `StoreSchema+V6.swift`)
///
/// The store is one SQLite file (WAL journal, foreign keys on). `PRAGMA application_id` is `0x4D524F4D` ("MROM")
/// and `PRAGMA user_version` is the schema version; a file with a newer version than the binary knows is refused
/// (exit 4), as is a file that is not SQLite or is another program's database. Grain and keys of each table:
///
/// | table | one row per | key | columns |
/// | --- | --- | --- | --- |
/// | `schema_info` | store | `key` | `schema_version`, `created_by` (Mailroom version that created the file) |
/// | `contacts` | contact | `id` (from the contacts file; `auto:<folded address key>` when created from sent mail) | `name`, `origin` (`import` or `created-from-sent`), `created_run`, `file_row` (since v6) |
/// | `contact_emails` | address saved on a contact | `(contact_id, position)`; `key` unique | `raw`, `address`, `key` (match key), `folded_key` (`+tag`/Gmail folding), `issue` (why unusable) |
/// | `mailboxes` | mailbox of the pipeline | `name` | |
/// | `threads` | thread | `id` (`t` + 16 hex) | `visibility` (`customer` or `internal`), `class` (`matched`, `unmatched`, `internal-only`: the class when first stored, upgraded unmatched → matched), `proposed_class` (the latest load's class: differs when an internal thread was kept internal), `subject`, `first_date`, `last_date` |
/// | `messages` | message identity | `key` (dedupe identity key) | `message_id`, `content_hash`, `thread_id`, `mailbox`, `direction` (`sent`/`received`), `date` (ISO 8601 UTC), `subject`, `snippet`, `bulk` |
/// | `message_copies` | copy of a message in a folder | `copy_id` | `message_key`, `mailbox`, `folder`, `flags` (JSON array), `labels` (JSON array of Gmail labels or NULL; since v8) |
/// | `participants` | (message, role, address) | `(message_key, role, address)` (unique index `participants_key` since v3) | `is_internal`, `contact_id` (null unless linked), `rule` (`primary-email`, `other-email`, `dot-plus-folding`, `created-from-sent`) |
/// | `thread_contacts` | contact linked to a thread through an address | `(thread_id, contact_id, address)` | `rule` |
/// | `runs` | load or contacts import | `id` (the run id) | `kind` (`load`, `contacts-import`), `window_start`, `window_end`, `mailboxes` (JSON array), `started_at`, `finished_at`, `status` (`running`, `ok`, `failed`), `counts` (JSON object), `message` (one line for a person) |
/// | `checkpoints` | run | `run_id` | `phase` (`contacts`, `threads`, `messages`, `links`, `done`), `position` (records of the phase already committed), `input` (fingerprint of the run's input files: a checkpoint is only resumed over the same input), `updated_at` |
/// | `cursors` | IMAP folder of a mailbox | `(mailbox, folder)` | `uidvalidity`, `highest_uid`, `updated_at` |
///
/// Rules the loader keeps: rows are upserted on their keys, so loading a run twice, overlapping windows or the
/// same mail from two folders leaves the same rows; a batch's rows and its checkpoint commit in one transaction.
/// A thread stored as `internal` stays internal: a later load never links it to a contact, even when match now
/// sees external participants (the thread's `proposed_class` records that, and `review` warns about it).
public enum StoreSchema {
    /// The schema version this binary writes (`PRAGMA user_version`).
    public static let version = 8
    /// `PRAGMA application_id` of a Mailroom store ("MROM").
    public static let applicationID: Int32 = 0x4D52_4F4D

    /// The migrations, in order. Names are permanent: never rename one, add a new one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core") { db in
            try db.execute(sql: v1)
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.execute(sql: "INSERT INTO schema_info(key, value) VALUES ('schema_version', '1')")
        }
        m.registerMigration("v2-lifecycle") { db in try MailboxSchema.migrateV2(db) }
        m.registerMigration("v3-load-indexes") { db in try migrateV3(db) }
        m.registerMigration("v4-subject-joins") { db in try migrateV4(db) }
        m.registerMigration("v5-run-interrupted") { db in try migrateV5(db) }
        m.registerMigration("v6-contact-commands") { db in try migrateV6(db) }
        m.registerMigration("v7-thread-ids") { db in try migrateV7(db) }
        m.registerMigration("v8-copy-labels") { db in try migrateV8(db) }
        return m
    }

    static let v1 = """
    CREATE TABLE schema_info (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    );
    CREATE TABLE contacts (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('import', 'created-from-sent')),
        created_run TEXT
    );
    CREATE TABLE contact_emails (
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        raw TEXT NOT NULL,
        address TEXT,
        key TEXT UNIQUE,
        folded_key TEXT,
        issue TEXT,
        PRIMARY KEY (contact_id, position)
    );
    CREATE INDEX contact_emails_folded ON contact_emails(folded_key);
    CREATE TABLE mailboxes (
        name TEXT PRIMARY KEY NOT NULL
    );
    CREATE TABLE threads (
        id TEXT PRIMARY KEY NOT NULL,
        visibility TEXT NOT NULL CHECK (visibility IN ('customer', 'internal')),
        class TEXT NOT NULL CHECK (class IN ('matched', 'unmatched', 'internal-only')),
        proposed_class TEXT NOT NULL,
        subject TEXT NOT NULL,
        first_date TEXT,
        last_date TEXT
    );
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
    );
    CREATE INDEX messages_thread ON messages(thread_id);
    CREATE INDEX messages_date ON messages(date);
    CREATE TABLE message_copies (
        copy_id TEXT PRIMARY KEY NOT NULL,
        message_key TEXT NOT NULL REFERENCES messages(key),
        mailbox TEXT NOT NULL REFERENCES mailboxes(name),
        folder TEXT NOT NULL,
        flags TEXT NOT NULL
    );
    CREATE INDEX message_copies_message ON message_copies(message_key);
    CREATE TABLE participants (
        message_key TEXT NOT NULL REFERENCES messages(key),
        role TEXT NOT NULL,
        address TEXT NOT NULL,
        is_internal INTEGER NOT NULL,
        contact_id TEXT REFERENCES contacts(id),
        rule TEXT,
        PRIMARY KEY (message_key, role, address)
    );
    CREATE INDEX participants_contact ON participants(contact_id);
    CREATE TABLE thread_contacts (
        thread_id TEXT NOT NULL REFERENCES threads(id),
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        address TEXT NOT NULL,
        rule TEXT NOT NULL,
        PRIMARY KEY (thread_id, contact_id, address)
    );
    CREATE INDEX thread_contacts_contact ON thread_contacts(contact_id);
    CREATE TABLE runs (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('load', 'contacts-import')),
        window_start TEXT,
        window_end TEXT,
        mailboxes TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
        counts TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE TABLE checkpoints (
        run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs(id),
        phase TEXT NOT NULL,
        position INTEGER NOT NULL,
        input TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE cursors (
        mailbox TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        highest_uid INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (mailbox, folder)
    );
    """

    /// Tables in dependency order (parents first): the order of the canonical dump.
    public static let tables = ["schema_info", "contacts", "contact_emails", "mailboxes", "threads", "messages",
                                "message_copies", "participants", "thread_contacts", "runs", "checkpoints",
                                "cursors", "mailbox_dependents", "contact_merges"]
}
