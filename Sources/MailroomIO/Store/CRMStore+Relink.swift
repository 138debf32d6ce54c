import Foundation
import GRDB
import MailroomCore

extension MailroomStore {
    /// `mailroom relink` on either store: `CRMStore.relinkPass` over `StoreSQL`. A dry run reads in one read
    /// transaction and writes nothing; otherwise the store's command lock (`lock`, which returns its release) is
    /// held and every change, with a `relink` run log row, commits in one transaction.
    func relinkHolding(_ settings: CRMStore.RelinkSettings, runId: String, now: () -> Date,
                       lock: () throws -> () -> Void) throws -> RelinkSummary {
        if settings.dryRun {
            return try readSQL("read the store for the relink") { db in
                var s = try CRMStore.relinkPass(db, settings, apply: false)
                s.runId = nil
                return s
            }
        }
        let release = try lock()
        defer { release() }
        let started = FileLock.isoUTC(now())
        return try writeSQL("relink the store") { db in
            var s = try CRMStore.relinkPass(db, settings, apply: true)
            s.runId = runId
            try CRMStore.recordRun(db, RunLogEntry(
                id: runId, kind: .relink, mailboxes: settings.owners.keys.sorted(), startedAt: started,
                finishedAt: FileLock.isoUTC(now()), status: .ok, counts: s.counts, message: s.message))
            return s
        }
    }
}

/// `mailroom relink`: recomputes, over the loaded messages, what the contacts and the pipeline file decide
/// (`RelinkRules`), without reading any mail again. Threads are read one at a time in thread order (messages by
/// `messages_thread`, their participants by `participants_key`); only the rows that change are kept and written.
extension CRMStore {
    public struct RelinkSettings: Sendable {
        public var ownDomains: [String]
        /// Owner address keys per mailbox.
        public var owners: [String: Set<String>]
        public var createContacts: Bool
        public var allowVisibilityChange: Bool
        public var dryRun: Bool

        public init(ownDomains: [String], owners: [String: Set<String>], createContacts: Bool,
                    allowVisibilityChange: Bool, dryRun: Bool) {
            self.ownDomains = ownDomains
            self.owners = owners
            self.createContacts = createContacts
            self.allowVisibilityChange = allowVisibilityChange
            self.dryRun = dryRun
        }
    }

    /// Relinks the store, holding its lock file (`relinkHolding`).
    public func relink(_ settings: RelinkSettings, runId: String, now: @escaping () -> Date = { Date() }) throws
        -> RelinkSummary {
        try relinkHolding(settings, runId: runId, now: now) {
            let lock = try FileLock.acquire(path: CRMStore.lockPath(for: path), what: path, now: now())
            return { lock.release() }
        }
    }

    /// The store's contacts: imported ones and those a load created from sent mail, with their emails by position.
    static func relinkContacts(_ db: any StoreSQL) throws -> (imported: [Contact], created: [Contact], names: [String: String]) {
        var imported: [Contact] = []
        var created: [Contact] = []
        var names: [String: String] = [:]
        var current: (contact: Contact, created: Bool)?
        func flush() {
            guard let c = current else { return }
            if c.created { created.append(c.contact) } else { imported.append(c.contact) }
        }
        try db.eachRow("""
            SELECT c.id, c.name, c.origin, e.raw, e.address, e.key, e.folded_key, e.issue
            FROM contacts c LEFT JOIN contact_emails e ON e.contact_id = c.id ORDER BY c.id, e.position
            """) { r in
            let id = r[0] ?? ""
            if current?.contact.id != id {
                flush()
                let name = r[1] ?? ""
                names[id] = name
                current = (Contact(id: id, name: name, emails: [], line: 0), r[2] == "created-from-sent")
            }
            if let raw = r[3] {
                current!.contact.emails.append(ContactEmail(raw: raw, address: r[4], key: r[5], foldedKey: r[6], issue: r[7]))
            }
        }
        flush()
        return (imported, created, names)
    }

    static func relinkPass(_ db: any StoreSQL, _ settings: RelinkSettings, apply: Bool) throws -> RelinkSummary {
        let (imported, created, names) = try relinkContacts(db)
        let rules = RelinkRules(ownDomains: settings.ownDomains, owners: settings.owners, contacts: imported,
                                createdContacts: created, createContacts: settings.createContacts)
        var summary = RelinkSummary(dryRun: !apply, allowVisibilityChange: settings.allowVisibilityChange)
        summary.contactNames = names

        var threadRows: [String: (subject: String, visibility: String, cls: String, proposed: String)] = [:]
        try db.eachRow("SELECT id, subject, visibility, class, proposed_class FROM threads") { r in
            threadRows[r[0] ?? ""] = (r[1] ?? "", r[2] ?? "", r[3] ?? "", r[4] ?? "")
        }
        var threadContacts: [String: [StoredThreadContact]] = [:]
        try db.eachRow("SELECT thread_id, contact_id, address, rule FROM thread_contacts") { r in
            threadContacts[r[0] ?? "", default: []].append(StoredThreadContact(contactId: r[1] ?? "", address: r[2] ?? "",
                                                                               rule: r[3] ?? ""))
        }
        // A message's copies can sit in several mailboxes; only when their owners differ does it matter which.
        let ownerSets = Set(settings.owners.values)
        var otherMailboxes: [String: [String]] = [:]
        if ownerSets.count > 1 {
            try db.eachRow("""
                SELECT DISTINCT c.message_key, c.mailbox FROM message_copies c JOIN messages m ON m.key = c.message_key
                WHERE c.mailbox <> m.mailbox ORDER BY 1, 2
                """) { r in otherMailboxes[r[0] ?? "", default: []].append(r[1] ?? "") }
        }

        var changes: [ThreadRelink] = []
        var thread: StoredThread?
        func finishThread() {
            guard let t = thread else { return }
            let r = rules.relink(t, allowVisibilityChange: settings.allowVisibilityChange)
            summary.add(t, r)
            if apply && r.changesAnything { changes.append(r) }
            thread = nil
        }
        try db.eachRow("""
            SELECT m.thread_id, m.key, m.subject, m.date, m.direction, m.mailbox, m.joined_by_subject,
                   p.role, p.address, p.is_internal, p.contact_id, p.rule
            FROM messages m LEFT JOIN participants p ON p.message_key = m.key
            ORDER BY m.thread_id, m.key
            """) { r in
            let threadId = r[0] ?? ""
            if thread?.id != threadId {
                finishThread()
                let row = threadRows[threadId] ?? ("", "customer", "unmatched", "unmatched")
                thread = StoredThread(id: threadId, subject: row.subject, visibility: row.visibility,
                                      classification: row.cls, proposedClass: row.proposed,
                                      contacts: (threadContacts.removeValue(forKey: threadId) ?? []).sorted())
            }
            let key = r[1] ?? ""
            if thread!.messages.last?.key != key {
                let mailbox = r[5] ?? ""
                thread!.messages.append(StoredMessage(
                    key: key, subject: r[2] ?? "", date: r[3], direction: r[4] ?? "",
                    mailboxes: [mailbox] + (otherMailboxes[key] ?? []), joinedBySubject: StoreRow.flag(r[6])))
            }
            if let role = r[7] {
                thread!.messages[thread!.messages.count - 1].participants.append(StoredParticipant(
                    role: role, address: r[8] ?? "", isInternal: StoreRow.flag(r[9]), contactId: r[10], rule: r[11]))
            }
        }
        finishThread()
        if apply {
            if let sqlite = db as? Database { try applyRelink(sqlite, changes) } else { try applyRelink(sql: db, changes) }
        }
        return summary
    }

    private static func applyRelink(_ db: Database, _ changes: [ThreadRelink]) throws {
        let participant = try db.makeStatement(sql: """
            UPDATE participants SET is_internal = ?, contact_id = ?, rule = ?
            WHERE message_key = ? AND role = ? AND address = ?
            """)
        let direction = try db.makeStatement(sql: "UPDATE messages SET direction = ? WHERE key = ?")
        let thread = try db.makeStatement(sql: "UPDATE threads SET visibility = ?, class = ?, proposed_class = ? WHERE id = ?")
        let removeContact = try db.makeStatement(sql: """
            DELETE FROM thread_contacts WHERE thread_id = ? AND contact_id = ? AND address = ?
            """)
        let addContact = try db.makeStatement(sql: """
            INSERT INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?)
            """)
        for c in changes {
            for p in c.participants {
                try participant.execute(arguments: [p.after.isInternal ? 1 : 0, p.after.contactId, p.after.rule,
                                                    p.messageKey, p.after.role, p.after.address])
            }
            for d in c.directions { try direction.execute(arguments: [d.after, d.messageKey]) }
            if c.threadRowChanged {
                try thread.execute(arguments: [c.visibility, c.classification, c.proposedClass, c.threadId])
            }
            for x in c.contactsRemoved { try removeContact.execute(arguments: [c.threadId, x.contactId, x.address]) }
            for x in c.contactsAdded { try addContact.execute(arguments: [c.threadId, x.contactId, x.address, x.rule]) }
        }
    }

    /// `applyRelink` over `StoreSQL` (PostgreSQL): the same statements, one at a time.
    private static func applyRelink(sql db: any StoreSQL, _ changes: [ThreadRelink]) throws {
        for c in changes {
            for p in c.participants {
                try db.exec("UPDATE participants SET is_internal = ?, contact_id = ?, rule = ? WHERE message_key = ? AND role = ? AND address = ?",
                            [p.after.isInternal ? 1 : 0, p.after.contactId, p.after.rule, p.messageKey, p.after.role, p.after.address])
            }
            for d in c.directions { try db.exec("UPDATE messages SET direction = ? WHERE key = ?", [d.after, d.messageKey]) }
            if c.threadRowChanged {
                try db.exec("UPDATE threads SET visibility = ?, class = ?, proposed_class = ? WHERE id = ?",
                            [c.visibility, c.classification, c.proposedClass, c.threadId])
            }
            for x in c.contactsRemoved {
                try db.exec("DELETE FROM thread_contacts WHERE thread_id = ? AND contact_id = ? AND address = ?",
                            [c.threadId, x.contactId, x.address])
            }
            for x in c.contactsAdded {
                try db.exec("INSERT INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?)",
                            [c.threadId, x.contactId, x.address, x.rule])
            }
        }
    }
}
