import Foundation
import GRDB
import MailroomCore

extension MailroomStore {
    /// Runs one contacts command holding the store's lock (SQLite: its lock file; PostgreSQL: `PGCommandLock`), in
    /// one transaction with its run-log row (kind `kind`, id `<kind>-<timestamp>`). A dry run does the same work and
    /// rolls it back: nothing is written, no run is logged. `body` returns its counts and one line; bad input throws
    /// `.usage` before anything is kept.
    func contactCommand<T>(_ kind: RunLogEntry.Kind, dryRun: Bool, now: Date = Date(),
                           _ body: (any StoreSQL, String) throws -> (T, counts: [String: Int], message: String))
        throws -> (T, runId: String?, counts: [String: Int], message: String) {
        let runId = kind.rawValue + "-" + WallClock.timestamp()
        func finish(_ db: any StoreSQL) throws -> (T, runId: String?, counts: [String: Int], message: String) {
            let (value, counts, message) = try body(db, runId)
            if dryRun { return (value, nil, counts, message) }
            let stamp = FileLock.isoUTC(now)
            try CRMStore.recordRun(db, RunLogEntry(id: runId, kind: kind, mailboxes: [], startedAt: stamp,
                                                   finishedAt: stamp, status: .ok, counts: counts, message: message))
            return (value, runId, counts, message)
        }
        if let pg = self as? PGStore {
            let c = pg.connection
            let held = try PGCommandLock.acquire(c, runId: runId, mailboxes: pg.commandMailboxes)
            defer { PGCommandLock.release(c, held) }
            return try pg.naming("run contacts \(kind.rawValue)") {
                try c.execute("BEGIN")
                do {
                    let out = try finish(c)
                    try c.execute(dryRun ? "ROLLBACK" : "COMMIT")
                    return out
                } catch {
                    _ = try? c.execute("ROLLBACK")
                    throw error
                }
            }
        }
        let store = self as! CRMStore
        let lock = try FileLock.acquire(path: CRMStore.lockPath(for: store.path), what: store.path, now: now)
        defer { lock.release() }
        return try store.writeInTransactions("run contacts \(kind.rawValue)") { db in
            try db.beginTransaction(.immediate)
            let out = try finish(db)
            if dryRun { try db.rollback() } else { try db.commit() }
            return out
        }
    }
}

extension CRMStore {
    /// The contact `id` with its emails in position order; `.usage` when the store has none of that id.
    static func requireContact(_ db: any StoreSQL, _ id: String) throws -> Contact {
        guard let name = try db.rows("SELECT name FROM contacts WHERE id = ?", [id]).first?.first ?? nil else {
            throw MailroomError(.usage, "no contact \(TerminalText.clean(id)) in the store (see `mailroom contacts export` for the ids)")
        }
        let emails = try db.rows("""
            SELECT raw, address, key, folded_key, issue FROM contact_emails WHERE contact_id = ? ORDER BY position
            """, [id]).map {
            ContactEmail(raw: $0[0] ?? "", address: $0[1], key: $0[2], foldedKey: $0[3], issue: $0[4])
        }
        return Contact(id: id, name: name, emails: emails, line: 0)
    }

    /// Sets the contact's `file_row`, when the store has none yet, to the row its state before a command's change
    /// came from (`ContactOverlay.fileRow`): an import of that row again then leaves the change in place.
    static func rememberFileRow(_ db: any StoreSQL, _ c: Contact) throws {
        try db.exec("UPDATE contacts SET file_row = ? WHERE id = ? AND file_row IS NULL AND origin = 'import'",
                    [ContactOverlay.fileRow(c), c.id])
    }

    /// Replaces every email of `contactId` with `emails`, at positions 0, 1, ….
    static func writeEmails(_ db: any StoreSQL, _ contactId: String, _ emails: [ContactEmail]) throws {
        try db.exec("DELETE FROM contact_emails WHERE contact_id = ?", [contactId])
        for (i, e) in emails.enumerated() {
            try db.exec("""
                INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [contactId, i, e.raw, e.address, e.key, e.foldedKey, e.issue])
        }
    }

    /// The keys an email takes part in matching with (its match key and folded key).
    static func matchKeys(_ emails: [ContactEmail]) -> Set<String> {
        var keys: Set<String> = []
        for e in emails {
            if let k = e.key { keys.insert(k) }
            if let f = e.foldedKey { keys.insert(f) }
        }
        return keys
    }
}

extension MailroomStore {
    /// `contacts duplicates`: contacts that look like one person (`ContactDuplicates`, on every address as
    /// written, whether or not another contact holds it), with the reasons.
    public func contactDuplicates(dryRun: Bool) throws -> ContactCommandResult {
        let (groups, runId, counts, message) = try contactCommand(.contactsDuplicates, dryRun: dryRun) { db, _ in
            let contacts = try CRMStore.allContacts(db)
            let groups = ContactDuplicates.groups(ContactOverlay.writtenKeys(contacts))
            let m = "\(groups.count) likely duplicate group\(groups.count == 1 ? "" : "s") among \(contacts.count) contacts"
            return (groups, ["contacts": contacts.count, "groups": groups.count], m)
        }
        return ContactCommandResult(command: "duplicates", store: location, dryRun: dryRun, runId: runId, counts: counts,
                                    message: message, groups: groups)
    }

    /// `contacts export`: the imported contacts (not those created from sent mail), by id, as a contacts file.
    /// `write` gets the file's bytes (not called for a dry run); it runs before the run is logged.
    public func exportContacts(dryRun: Bool, write: ([UInt8]) throws -> Void) throws -> ContactCommandResult {
        let (_, runId, counts, message) = try contactCommand(.contactsExport, dryRun: dryRun) { db, _ in
            let contacts = try CRMStore.importedContacts(db)
            if !dryRun { try write(Array(ContactsExportCSV.csv(contacts).utf8)) }
            let emails = contacts.reduce(0) { $0 + $1.emails.count }
            return ((), ["contacts": contacts.count, "emails": emails],
                    "exported \(contacts.count) contacts with \(emails) emails")
        }
        return ContactCommandResult(command: "export", store: location, dryRun: dryRun, runId: runId, counts: counts,
                                    message: message)
    }
}
