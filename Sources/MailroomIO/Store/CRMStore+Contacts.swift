import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// Imports contacts (`mailroom contacts import`): each is inserted or updated by id, never duplicated. Contacts
    /// missing from `contacts` are kept (they may carry links). A row already imported into its contact as it is
    /// now, or of a contact a standing merge deleted, is left out (`ContactOverlay.skipsImport`). An email already saved on another contact is kept
    /// without a match key, so it never matches twice (reported in `emailsSkipped`), except that an imported
    /// contact takes over an address from a contact that loading created from sent mail (its links move).
    /// Takes the store's lock for the duration; records a `contacts-import` run.
    public func importContacts(_ contacts: [Contact], runId: String, now: Date = Date()) throws
        -> ContactImportSummary {
        let lock = try FileLock.acquire(path: CRMStore.lockPath(for: path), what: path, now: now)
        defer { lock.release() }
        return try write("import contacts") { db in
            let summary = try CRMStore.upsertContacts(db, contacts)
            try CRMStore.recordImport(db, runId: runId, contacts: contacts.count, summary, now: now)
            return summary
        }
    }

    /// The `contacts-import` run of an import, inside its transaction.
    static func recordImport(_ db: any StoreSQL, runId: String, contacts: Int, _ summary: ContactImportSummary,
                             now: Date) throws {
        let counts = "{\"contacts\":\(contacts),\"created\":\(summary.created),\"updated\":"
            + "\(summary.updated),\"unchanged\":\(summary.unchanged),\"replacedCreated\":"
            + "\(summary.replacedCreated),\"emailsSkipped\":\(summary.emailsSkipped.count)}"
        let stamp = FileLock.isoUTC(now)
        try db.exec("""
            INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status,
                             counts, message)
            VALUES (?, 'contacts-import', NULL, NULL, '[]', ?, ?, 'ok', ?, ?)
            ON CONFLICT(id) DO UPDATE SET finished_at = excluded.finished_at, status = 'ok',
                counts = excluded.counts, message = excluded.message
            """, [runId, stamp, stamp, counts, CRMStore.importMessage(contacts, summary)])
    }

    public static func importMessage(_ n: Int, _ s: ContactImportSummary) -> String {
        var m = "imported \(n) contacts: \(s.created) new, \(s.updated) updated, \(s.unchanged) unchanged"
        if s.replacedCreated > 0 { m += ", \(s.replacedCreated) created-from-sent contacts replaced" }
        if !s.emailsSkipped.isEmpty { m += "; \(s.emailsSkipped.count) emails already on another contact kept unmatched" }
        return m
    }

    /// `contact_emails.issue` of an address not used for matching because contact `<id>` holds it already.
    public static let heldByPrefix = "held-by:"

    /// Upserts contacts by id inside the caller's transaction (contacts import and the load's contacts phase).
    static func upsertContacts(_ db: Database, _ contacts: some Sequence<Contact>) throws -> ContactImportSummary {
        var s = ContactImportSummary()
        let upserter = try ContactUpserter(db)
        for c in contacts { try upserter.upsert(c, into: &s) }
        return s
    }

    /// `upsertContacts` one contact at a time, its statements bound by index and prepared once: the load's
    /// contacts phase keeps one for the phase.
    struct ContactUpserter {
        let db: Database
        let selectContact: IndexBoundStatement
        let upsertContact: IndexBoundStatement
        let selectHolder: IndexBoundStatement
        let insertEmail: IndexBoundStatement

        init(_ db: Database) throws {
            self.db = db
            selectContact = try IndexBoundStatement(db, sql: "SELECT name, origin, file_row FROM contacts WHERE id = ?")
            upsertContact = try IndexBoundStatement(db, sql: """
                INSERT INTO contacts(id, name, origin, created_run, file_row) VALUES (?, ?, 'import', NULL, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, origin = 'import', created_run = NULL,
                    file_row = excluded.file_row
                """)
            selectHolder = try IndexBoundStatement(db, sql: "SELECT contact_id FROM contact_emails WHERE key = ?")
            insertEmail = try IndexBoundStatement(db, sql: """
                INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        }

        /// Upserts `contact`, counting what it did in `s`.
        func upsert(_ contact: Contact, into s: inout ContactImportSummary) throws {
            let c = CRMStore.storeNormalized(contact)
            // name, origin, file_row (name and origin are NOT NULL in the schema).
            var before: [String?]?
            selectContact.bind(1, c.id)
            _ = try selectContact.first(columns: 3) { before = $0 }
            // The row last imported into the contact, again: whatever a contacts command changed since stays. A
            // contact a standing merge deleted is not imported again (`ContactOverlay.skipsImport`).
            let fileRow = ContactOverlay.fileRow(c)
            if let before, before[2] == fileRow {
                s.unchanged += 1
                return
            }
            if before == nil, try CRMStore.mergedAway(db, c.id) {
                s.unchanged += 1
                return
            }
            // A contact's emails go with it (foreign key, ON DELETE CASCADE): a new contact has none to read or delete.
            var oldEmails: [[String?]] = []
            if before != nil {
                oldEmails = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT position, raw, address, key, folded_key, issue FROM contact_emails
                    WHERE contact_id = ? ORDER BY position
                    """), arguments: [c.id]).map { r -> [String?] in
                    [r["raw"], r["address"], r["key"], r["folded_key"], r["issue"]]
                }
            }
            upsertContact.bind(1, c.id)
            upsertContact.bind(2, c.name)
            upsertContact.bind(3, fileRow)
            try upsertContact.execute()
            if before != nil {
                try db.cachedStatement(sql: "DELETE FROM contact_emails WHERE contact_id = ?").execute(arguments: [c.id])
            }
            var newEmails: [[String?]] = []
            for (i, e) in c.emails.enumerated() {
                var (key, folded, issue) = (e.key, e.foldedKey, e.issue)
                var holder: String?
                if let k = e.key {
                    selectHolder.bind(1, k)
                    _ = try selectHolder.first(columns: 1) { holder = $0[0] }
                }
                if let holder {
                    let origin = try String.fetchOne(db.cachedStatement(sql: "SELECT origin FROM contacts WHERE id = ?"),
                                                     arguments: [holder])
                    if holder == c.id {
                        (key, folded, issue) = (nil, nil, "repeated")
                    } else if origin == "created-from-sent" {
                        try CRMStore.replaceCreatedContact(db, holder, with: c.id)
                        s.replacedCreated += 1
                    } else {
                        // Kept on the contact for people to see, but without a match key: never matched twice.
                        s.emailsSkipped.append(.init(contactId: c.id, position: i, heldBy: holder))
                        (key, folded, issue) = (nil, nil, CRMStore.heldByPrefix + holder)
                    }
                }
                insertEmail.bind(1, c.id)
                insertEmail.bind(2, i)
                insertEmail.bind(3, e.raw)
                insertEmail.bind(4, e.address)
                insertEmail.bind(5, key)
                insertEmail.bind(6, folded)
                insertEmail.bind(7, issue)
                try insertEmail.execute()
                newEmails.append([e.raw, e.address, key, folded, issue])
            }
            // Addresses the row no longer has: the participants linked through them are relinked (unlinked, or
            // linked where the contacts now say), with their thread links and classes, as `remove-email` does.
            let keysOf = { (rows: [[String?]]) in Set(rows.flatMap { [$0[2], $0[3]] }.compactMap { $0 }) }
            let removed = keysOf(oldEmails).subtracting(keysOf(newEmails))
            if !removed.isEmpty {
                var relinker = ContactRelinker()
                try relinker.relink(db, keys: removed, edited: [c.id], linkedTo: c.id)
            }
            if before == nil {
                s.created += 1
            } else if before?[0] != c.name || before?[1] != "import" || oldEmails != newEmails {
                s.updated += 1
            } else {
                s.unchanged += 1
            }
        }
    }

    /// Whether a merge that stands (not undone) deleted contact `id`.
    static func mergedAway(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM contact_merges WHERE undone_run IS NULL AND instr(merged, json_quote(?)) > 0)
            """), arguments: [id]) ?? false
    }

    /// Every id a standing merge deleted.
    static func mergedAway(_ db: Database) throws -> Set<String> {
        var out: Set<String> = []
        for m in try String.fetchAll(db, sql: "SELECT merged FROM contact_merges WHERE undone_run IS NULL") {
            for v in (try? JSONParser.parse(Array(m.utf8)))?.arrayValue ?? [] { if let s = v.stringValue { out.insert(s) } }
        }
        return out
    }

    /// The contact with every text as the store keeps it (`StoreText`: a NUL becomes U+FFFD, as PostgreSQL's
    /// loader stores it), so the rows written, the lookups by id and key and the unchanged/updated comparison with
    /// the stored rows all see the same values (GRDB binds text up to its first NUL).
    static func storeNormalized(_ c: Contact) -> Contact {
        let n = StoreText.normalized as (String) -> String
        return Contact(id: n(c.id), name: n(c.name), emails: c.emails.map {
            ContactEmail(raw: n($0.raw), address: $0.address.map(n), key: $0.key.map(n),
                         foldedKey: $0.foldedKey.map(n), issue: $0.issue.map(n))
        }, line: c.line)
    }

    /// Moves the links of a contact created from sent mail to `newId`, then deletes it.
    private static func replaceCreatedContact(_ db: Database, _ oldId: String, with newId: String) throws {
        try db.execute(sql: "UPDATE participants SET contact_id = ? WHERE contact_id = ?", arguments: [newId, oldId])
        try db.execute(sql: "UPDATE OR IGNORE thread_contacts SET contact_id = ? WHERE contact_id = ?",
                       arguments: [newId, oldId])
        try db.execute(sql: "DELETE FROM thread_contacts WHERE contact_id = ?", arguments: [oldId])
        try db.execute(sql: "DELETE FROM contact_emails WHERE contact_id = ?", arguments: [oldId])
        try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [oldId])
    }
}
