import MailroomCore

/// `CRMStore.upsertContacts` in PostgreSQL, statement for statement, inside the caller's transaction: each contact
/// upserted by id, its emails replaced; an email another contact holds is kept without a match key (never matched
/// twice), except that an imported contact takes over an address from a contact created from sent mail.
enum PGContacts {
    static func upsert(_ c: PGConnection, _ contacts: some Sequence<Contact>) throws -> ContactImportSummary {
        var s = ContactImportSummary()
        for contact in contacts {
            let before = try c.execute("SELECT name, origin FROM contacts WHERE id = $1", [contact.id]).rows.first
            var oldEmails: [[String?]] = []
            if before != nil {
                oldEmails = try c.execute("""
                    SELECT raw, address, key, folded_key, issue FROM contact_emails WHERE contact_id = $1 ORDER BY position
                    """, [contact.id]).rows
            }
            try c.execute("""
                INSERT INTO contacts(id, name, origin, created_run) VALUES ($1, $2, 'import', NULL)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, origin = 'import', created_run = NULL
                """, [contact.id, contact.name])
            if before != nil { try c.execute("DELETE FROM contact_emails WHERE contact_id = $1", [contact.id]) }
            var newEmails: [[String?]] = []
            for (i, e) in contact.emails.enumerated() {
                var (key, folded, issue) = (e.key, e.foldedKey, e.issue)
                if let k = e.key,
                   let holder = try c.execute("SELECT contact_id FROM contact_emails WHERE key = $1", [k]).scalar {
                    let origin = try c.execute("SELECT origin FROM contacts WHERE id = $1", [holder]).scalar
                    if holder == contact.id {
                        (key, folded, issue) = (nil, nil, "repeated")
                    } else if origin == "created-from-sent" {
                        try replaceCreated(c, holder, with: contact.id)
                        s.replacedCreated += 1
                    } else {
                        s.emailsSkipped.append(.init(contactId: contact.id, position: i, heldBy: holder))
                        (key, folded, issue) = (nil, nil, CRMStore.heldByPrefix + holder)
                    }
                }
                try c.execute("""
                    INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [contact.id, String(i), e.raw, e.address, key, folded, issue])
                newEmails.append([e.raw, e.address, key, folded, issue])
            }
            if before == nil {
                s.created += 1
            } else if before?[0] != contact.name || before?[1] != "import" || oldEmails != newEmails {
                s.updated += 1
            } else {
                s.unchanged += 1
            }
        }
        return s
    }

    /// Moves the links of a contact created from sent mail to `newId`, then deletes it (SQLite's
    /// `UPDATE OR IGNORE` keeps a row whose new key is taken: it is then deleted with the old contact).
    static func replaceCreated(_ c: PGConnection, _ oldId: String, with newId: String) throws {
        try c.execute("UPDATE participants SET contact_id = $1 WHERE contact_id = $2", [newId, oldId])
        try c.execute("""
            UPDATE thread_contacts o SET contact_id = $1 WHERE o.contact_id = $2 AND NOT EXISTS (
                SELECT 1 FROM thread_contacts n WHERE n.thread_id = o.thread_id AND n.contact_id = $1 AND n.address = o.address)
            """, [newId, oldId])
        try c.execute("DELETE FROM thread_contacts WHERE contact_id = $1", [oldId])
        try c.execute("DELETE FROM contact_emails WHERE contact_id = $1", [oldId])
        try c.execute("DELETE FROM contacts WHERE id = $1", [oldId])
    }
}
