import GRDB
import MailroomCore

/// The upserts of one load, and what it remembers between phases (built from every record, committed or not).
final class LoadState {
    let runId: String
    let options: LoadOptions
    /// Message identity key → thread id, from `match/threads.ndjson`.
    var threadOf = ThreadOfKey()
    /// Thread id → the stored thread it was merged into (`thread_merges`, read when the messages phase starts).
    var renamedThreads: [String: String] = [:]
    private var renamedLoaded = false
    /// Keys of the messages that joined their thread by subject (`ThreadRecord.subjectJoins`; few).
    var joinedBySubject: Set<String> = []
    /// Canonical address → display name, from To/Cc/Bcc of sent messages (for contacts created from sent mail):
    /// the best one of the load (`CreatedContactRules.nameRanksBefore`), whatever order its messages come in.
    var names: [String: String] = [:]
    /// Address → the contact created from sent mail it links to (nil: none), once settled in this load.
    private var createdSettled: [String: String?] = [:]
    /// Mailboxes this load has already inserted (in a committed batch or the open one: a failed batch ends the
    /// load), so each is inserted once per load instead of once per message and copy.
    private var mailboxesAdded: Set<String> = []
    /// Contact ids seen to exist. Only the contacts phase deletes contacts (an imported contact replacing one
    /// created from sent mail), so from the threads phase on a contact that exists keeps existing.
    private var contactsKnown: Set<String> = []
    /// The links phase's last message lookup (links come grouped by message; messages and threads do not change
    /// in that phase, so the row read once stays what SQLite would return).
    private var lastLinkMessage: LinkMessage?
    /// The store's internal threads, read when the links phase starts: a thread's visibility never changes once
    /// stored, so this answers for every message's thread without a lookup per message.
    private var internalThreads: Set<String> = []

    /// What a link needs of its stored message.
    private struct LinkMessage {
        var key: String
        var direction: String
        var threadId: String
        var internalThread: Bool
    }

    static let classRank = ["internal-only": 0, "unmatched": 1, "matched": 2]
    static let createdRule = "created-from-sent"
    static let addMailbox = "INSERT OR IGNORE INTO mailboxes(name) VALUES (?)"

    init(runId: String, options: LoadOptions) {
        self.runId = runId
        self.options = options
    }

    func observe(_ m: DedupedMessage) {
        guard options.createContacts == .sent, m.message.direction == .sent else { return }
        for a in m.message.to + m.message.cc + m.message.bcc {
            guard let n = a.name.map(StoreText.normalized), CreatedContactRules.isRealName(n) else { continue }
            if let have = names[a.address], !CreatedContactRules.nameRanksBefore(n, have) { continue }
            names[a.address] = n
        }
    }

    /// Threads: visibility is fixed when a thread is first stored; an internal thread stays internal and is
    /// never linked to a contact. Class and proposed class only move up (internal-only < unmatched < matched),
    /// dates widen, and the subject is the earliest message's: the same rows whatever order runs load in. Then
    /// the ids the thread covers (`applyThreadIds`). The writer's statements are prepared once for the phase.
    func threadWriter(_ db: Database) throws -> (ThreadRecord) throws -> Void {
        let select = try IndexBoundStatement(db, sql: Self.selectThread)
        let update = try IndexBoundStatement(db, sql: Self.updateThread)
        let insert = try IndexBoundStatement(db, sql: Self.insertThread)
        let upsertContact = try IndexBoundStatement(db, sql: Self.upsertThreadContact)
        let ids = try ThreadIdStatements(db)
        return { [self] t in
            let visibility = try applyThread(t, select: select, update: update, insert: insert)
            if visibility == "customer" {
                for c in t.contacts where try contactExists(db, c.contactId) {
                    upsertContact.bind(1, t.threadId)
                    upsertContact.bind(2, c.contactId)
                    upsertContact.bind(3, c.address)
                    upsertContact.bind(4, c.rule.rawValue)
                    try upsertContact.execute()
                }
            }
            try applyThreadIds(db, t, ids)
        }
    }

    /// Upserts the thread's row; returns its stored visibility.
    private func applyThread(_ t: ThreadRecord, select: IndexBoundStatement, update: IndexBoundStatement,
                             insert: IndexBoundStatement) throws -> String {
        // As PostgreSQL stores it (a NUL becomes U+FFFD): compared with the stored subject below.
        let newSubject = StoreText.normalized(t.subject)
        let newClass = t.classification.rawValue
        var old: [String?]?
        select.bind(1, t.threadId)
        _ = try select.first(columns: 6) { old = $0 }
        guard let old else {
            let visibility = t.classification == .internalOnly ? "internal" : "customer"
            insert.bind(1, t.threadId)
            insert.bind(2, visibility)
            insert.bind(3, newClass)
            insert.bind(4, newClass)
            insert.bind(5, newSubject)
            insert.bind(6, t.firstDate)
            insert.bind(7, t.lastDate)
            try insert.execute()
            return visibility
        }
        // visibility, class, proposed_class and subject are NOT NULL in the schema.
        let visibility = old[0] ?? "", oldClass = old[1] ?? "", oldSubject = old[3] ?? ""
        let oldFirst = old[4], oldLast = old[5]
        let cls = visibility == "internal" ? "internal-only"
            : (t.classification == .internalOnly ? oldClass : Self.higher(oldClass, newClass))
        let proposed = Self.higher(old[2] ?? "", newClass)
        var subject = oldSubject
        if let nf = t.firstDate, oldFirst == nil || nf < oldFirst! {
            subject = newSubject
        } else if t.firstDate == oldFirst {
            subject = min(oldSubject, newSubject)
        }
        update.bind(1, cls)
        update.bind(2, proposed)
        update.bind(3, subject)
        update.bind(4, Self.minDate(oldFirst, t.firstDate))
        update.bind(5, Self.maxDate(oldLast, t.lastDate))
        update.bind(6, t.threadId)
        try update.execute()
        return visibility
    }

    static let selectThread = """
        SELECT visibility, class, proposed_class, subject, first_date, last_date FROM threads WHERE id = ?
        """
    static let updateThread = """
        UPDATE threads SET class = ?, proposed_class = ?, subject = ?, first_date = ?, last_date = ? WHERE id = ?
        """
    static let insertThread = """
        INSERT INTO threads(id, visibility, class, proposed_class, subject, first_date, last_date)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    static let upsertThreadContact = """
        INSERT INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?)
        ON CONFLICT(thread_id, contact_id, address) DO UPDATE SET rule = excluded.rule
        """

    /// Messages (one row per identity key) and their copies. Fields that can differ between loads of the same
    /// identity are merged order-free: `sent` wins over `received`, the least mailbox name (over all copies)
    /// and the least content hash. The writer's statements are prepared once for the phase.
    func messageWriter(_ db: Database) throws -> (DedupedMessage) throws -> Void {
        let upsertMessage = try IndexBoundStatement(db, sql: Self.upsertMessage)
        let upsertCopy = try IndexBoundStatement(db, sql: Self.upsertCopy)
        if !renamedLoaded {
            try loadRenamedThreads(db)
            renamedLoaded = true
        }
        return { [self] d in
            let m = d.message
            guard var threadId = threadOf.threadId(for: d.key) else {
                throw MailroomError(.input, "a message of dedupe/messages.ndjson is in no thread of "
                                    + "match/threads.ndjson: rerun the match stage")
            }
            if !renamedThreads.isEmpty, let s = renamedThreads[threadId] { threadId = s }
            // The least mailbox name among the copies: the same whichever copy dedupe saw first.
            var mailbox = m.mailbox
            for c in d.copies where c.mailbox < mailbox { mailbox = c.mailbox }
            try addMailbox(db, mailbox)
            upsertMessage.bind(1, d.key)
            upsertMessage.bind(2, m.messageId)
            upsertMessage.bind(3, m.contentHash)
            upsertMessage.bind(4, threadId)
            upsertMessage.bind(5, mailbox)
            upsertMessage.bind(6, m.direction.rawValue)
            upsertMessage.bind(7, m.date)
            upsertMessage.bind(8, m.subject)
            upsertMessage.bind(9, m.snippet)
            upsertMessage.bind(10, m.bulk.isEmpty ? 0 : 1)
            upsertMessage.bind(11, joinedBySubject.contains(d.key) ? 1 : 0)
            try upsertMessage.execute()
            for c in d.copies {
                var w = JSONWriter()
                w.beginArray()
                for f in c.flags.sorted() { w.string(f) }
                w.endArray()
                try addMailbox(db, c.mailbox)
                upsertCopy.bind(1, c.copyId)
                upsertCopy.bind(2, d.key)
                upsertCopy.bind(3, c.mailbox)
                upsertCopy.bind(4, c.folder)
                upsertCopy.bind(5, String(decoding: w.bytes, as: UTF8.self))
                upsertCopy.bind(6, StoreSchema.labelsColumn(c.labels))
                try upsertCopy.execute()
            }
        }
    }

    /// A copy with bulk signals (a mailing list's: List-Id, Precedence) never replaces the subject and snippet of
    /// one without: when a later run brings only the list's copy of a message loaded before, the message keeps
    /// the direct copy's text, as dedupe shows it within one run.
    static let upsertMessage = """
        INSERT INTO messages(key, message_id, content_hash, thread_id, mailbox, direction, date, subject,
                             snippet, bulk, joined_by_subject)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET message_id = excluded.message_id,
            content_hash = min(content_hash, excluded.content_hash), thread_id = excluded.thread_id,
            mailbox = min(mailbox, excluded.mailbox),
            direction = CASE WHEN direction = 'sent' OR excluded.direction = 'sent' THEN 'sent'
                             ELSE 'received' END,
            date = excluded.date,
            subject = CASE WHEN excluded.bulk > bulk THEN subject ELSE excluded.subject END,
            snippet = CASE WHEN excluded.bulk > bulk THEN snippet ELSE excluded.snippet END,
            bulk = min(bulk, excluded.bulk), joined_by_subject = excluded.joined_by_subject
        """
    static let upsertCopy = """
        INSERT INTO message_copies(copy_id, message_key, mailbox, folder, flags, labels) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(copy_id) DO UPDATE SET message_key = excluded.message_key,
            mailbox = excluded.mailbox, folder = excluded.folder, flags = excluded.flags, labels = excluded.labels
        """
    static let upsertParticipant = """
        INSERT INTO participants(message_key, role, address, is_internal, contact_id, rule)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(message_key, role, address) DO UPDATE SET is_internal = excluded.is_internal,
            contact_id = coalesce(excluded.contact_id, contact_id),
            rule = CASE WHEN excluded.contact_id IS NULL THEN rule ELSE excluded.rule END
        """
    static let insertParticipant = """
        INSERT INTO participants(message_key, role, address, is_internal, contact_id, rule) VALUES (?, ?, ?, ?, ?, ?)
        """
    static let selectLinkMessage = "SELECT direction, thread_id FROM messages WHERE key = ?"

    /// Participants, linked as match decided, except on internal threads (never linked). A load never unlinks: a
    /// participant stored linked keeps its contact when match links it to none (a contacts file row went
    /// missing, the address became ambiguous); removing a link is an explicit contacts command. With
    /// `createContacts: sent`, an external To/Cc/Bcc address of a sent message that no contact holds (by match
    /// key or folded key) gets a contact `auto:<folded key>` (`CreatedContactRules`). The writer's statements are prepared once for the phase;
    /// into an empty store (no `participants_key` yet: the load builds it last) each link is a plain insert.
    func linkWriter(_ db: Database) throws -> (ParticipantLink) throws -> Void {
        let upsertParticipant = try IndexBoundStatement(
            db, sql: try StoreSchema.hasParticipantsKey(db) ? Self.upsertParticipant : Self.insertParticipant)
        let selectMessage = try IndexBoundStatement(db, sql: Self.selectLinkMessage)
        internalThreads = try Set(String.fetchAll(db, sql: "SELECT id FROM threads WHERE visibility = 'internal'"))
        return { [self] l in
            let m = try linkMessage(selectMessage, l.messageKey)
            let internalThread = m.internalThread
            var contactId = l.contactId
            var rule = l.rule?.rawValue
            if internalThread { contactId = nil; rule = nil }
            if let c = contactId, try !contactExists(db, c) { contactId = nil; rule = nil }
            if contactId == nil, !internalThread, options.createContacts == .sent, !l.isInternal,
               l.ambiguous.isEmpty, l.role == "to" || l.role == "cc" || l.role == "bcc", m.direction == "sent",
               let created = try createdContact(db, address: l.address) {
                contactId = created
                rule = Self.createdRule
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?)
                    """).execute(arguments: [m.threadId, created, StoreText.normalized(l.address), Self.createdRule])
            }
            upsertParticipant.bind(1, l.messageKey)
            upsertParticipant.bind(2, l.role)
            upsertParticipant.bind(3, l.address)
            upsertParticipant.bind(4, l.isInternal ? 1 : 0)
            upsertParticipant.bind(5, contactId)
            upsertParticipant.bind(6, rule)
            try upsertParticipant.execute()
        }
    }

    /// The contact created from sent mail for `address`: an existing one, a new one, or nil when another
    /// (imported) contact already holds the address by match key or folded key. Settled once per address and load;
    /// an existing created contact takes this load's better name or lesser spelling (`CreatedContactRules`).
    private func createdContact(_ db: Database, address: String) throws -> String? {
        if let settled = createdSettled[address] { return settled }
        let id = try settleCreatedContact(db, address: address)
        createdSettled[address] = .some(id)
        return id
    }

    private func settleCreatedContact(_ db: Database, address: String) throws -> String? {
        guard let a = AddressNormalizer.parse(address) else { return nil }
        let folded = StoreText.normalized(AddressNormalizer.foldedKey(a))
        let key = StoreText.normalized(a.key), raw = StoreText.normalized(address), display = StoreText.normalized(a.address)
        if let holder = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT c.id, c.origin, c.name, e.position, e.raw, e.key, e.address
            FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
            WHERE e.key = ? OR e.folded_key = ? OR e.key = ? ORDER BY e.key = ? DESC, c.id, e.position LIMIT 1
            """), arguments: [key, folded, folded, key]) {
            guard (holder["origin"] as String) == Self.createdRule else { return nil }
            let id: String = holder["id"]
            let before = CreatedContactRules.Shown(raw: holder["raw"], key: holder["key"] ?? "",
                                                   address: holder["address"] ?? "", name: holder["name"])
            let after = CreatedContactRules.met(before, raw: raw, key: key, address: display, folded: folded,
                                                candidate: names[address])
            if after.raw != before.raw || after.key != before.key {
                try db.cachedStatement(sql: """
                    UPDATE contact_emails SET raw = ?, address = ?, key = ? WHERE contact_id = ? AND position = ?
                    """).execute(arguments: [after.raw, after.address, after.key, id, holder["position"] as Int])
            }
            if after.name != before.name {
                try db.cachedStatement(sql: "UPDATE contacts SET name = ? WHERE id = ?").execute(arguments: [after.name, id])
            }
            return id
        }
        let id = StoreText.normalized(CreatedContactRules.id(folded: folded))
        let name = CreatedContactRules.name(current: nil, candidate: names[address], display: display)
        try db.cachedStatement(sql: """
            INSERT INTO contacts(id, name, origin, created_run) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
            """).execute(arguments: [id, name, Self.createdRule, runId])
        // The contact exists without this address: someone removed it from the contact (`contacts remove-email`),
        // which a load does not undo. The address stays unlinked.
        guard db.changesCount > 0 else { return nil }
        try db.cachedStatement(sql: """
            INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
            VALUES (?, 0, ?, ?, ?, ?, NULL)
            """).execute(arguments: [id, raw, display, key, folded])
        return id
    }

    private func contactExists(_ db: Database, _ id: String) throws -> Bool {
        if contactsKnown.contains(id) { return true }
        let sql = "SELECT EXISTS(SELECT 1 FROM contacts WHERE id = ?)"
        let exists = try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: [id]) ?? false
        if exists { contactsKnown.insert(id) }
        return exists
    }

    private func addMailbox(_ db: Database, _ name: String) throws {
        guard !mailboxesAdded.contains(name) else { return }
        try db.cachedStatement(sql: Self.addMailbox).execute(arguments: [name])
        mailboxesAdded.insert(name)
    }

    /// The stored message of a link: its direction, thread and whether that thread is internal.
    private func linkMessage(_ select: IndexBoundStatement, _ key: String) throws -> LinkMessage {
        if let last = lastLinkMessage, last.key == key { return last }
        var found: LinkMessage?
        select.bind(1, key)
        _ = try select.first(columns: 2) { row in
            // Both columns are NOT NULL in the schema.
            let threadId = row[1] ?? ""
            found = LinkMessage(key: key, direction: row[0] ?? "", threadId: threadId,
                                internalThread: internalThreads.contains(threadId))
        }
        guard let found else {
            throw MailroomError(.input, "a link of match/links.ndjson names a message that "
                                + "dedupe/messages.ndjson does not have: rerun the match stage")
        }
        lastLinkMessage = found
        return found
    }

    static func higher(_ a: String, _ b: String) -> String {
        (classRank[a] ?? 0) >= (classRank[b] ?? 0) ? a : b
    }

    static func minDate(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    static func maxDate(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }
}
