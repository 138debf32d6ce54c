import MailroomCore

extension PGLoadBatch {
    /// `LoadState.linkWriter`: participants linked as match decided, except on internal threads; a link to a
    /// contact that does not exist is dropped; with `createContacts: sent`, an external To/Cc/Bcc address of a
    /// sent message that no contact holds gets a contact `auto:<key>` (created at once, so the next link sees it).
    /// The batch's messages and contacts are read in one statement each.
    func writeLinks(_ links: [ParticipantLink]) throws {
        linkMessages.removeAll(keepingCapacity: true)
        // Lookups by the values as stored (`StoreText`).
        let wanted = Set(links.map { StoreText.normalized($0.messageKey) })
        if !wanted.isEmpty {
            let rows = try c.execute("""
                SELECT m.key, m.direction, m.thread_id, t.visibility FROM messages m JOIN threads t ON t.id = m.thread_id
                WHERE m.key = ANY($1::text[])
                """, [Self.arrayLiteral(wanted)]).rows
            for r in rows {
                linkMessages[r[0] ?? ""] = (r[1] ?? "", r[2] ?? "", r[3] == "internal")
            }
        }
        let contactIds = Set(links.compactMap { $0.contactId.map(StoreText.normalized) }).subtracting(contactsKnown)
        if !contactIds.isEmpty {
            let rows = try c.execute("SELECT id FROM contacts WHERE id = ANY($1::text[])", [Self.arrayLiteral(contactIds)]).rows
            contactsKnown.formUnion(rows.compactMap { $0.first ?? nil })
        }
        if state.options.createContacts == .sent { try lockCreatedAddresses(links) }
        var participants: [[String?]] = []
        participants.reserveCapacity(links.count)
        var created: [[String?]] = []
        for l in links {
            guard let m = linkMessages[StoreText.normalized(l.messageKey)] else {
                throw MailroomError(.input, "a link of match/links.ndjson names a message that "
                                    + "dedupe/messages.ndjson does not have: rerun the match stage")
            }
            var contactId = l.contactId
            var rule = l.rule?.rawValue
            if m.internal { contactId = nil; rule = nil }
            if let id = contactId, !contactsKnown.contains(StoreText.normalized(id)) { contactId = nil; rule = nil }
            if contactId == nil, !m.internal, state.options.createContacts == .sent, !l.isInternal,
               l.ambiguous.isEmpty, l.role == "to" || l.role == "cc" || l.role == "bcc", m.direction == "sent",
               let id = try createdContact(address: l.address) {
                contactId = id
                rule = LoadState.createdRule
                created.append([m.threadId, id, l.address, LoadState.createdRule])
            }
            participants.append([l.messageKey, l.role, l.address, l.isInternal ? "1" : "0", contactId, rule])
        }
        try copy("in_participants", participants)
        try c.execute(Self.mergeParticipants)
        if !created.isEmpty {
            try copy("in_thread_contacts", created)
            try c.execute(Self.addCreatedThreadContacts)
        }
    }

    /// Takes, in the batch's transaction, an advisory lock per folded address (`AddressNormalizer.foldedKey`) for
    /// which this batch may create a contact, in one order for every worker: a worker about to create a contact for
    /// an address waits for another that is creating one for it (or for an address folding to it), then finds it.
    /// The locks cover every candidate of `lookUpOrCreate`'s look-up, which all share the folded key.
    private func lockCreatedAddresses(_ links: [ParticipantLink]) throws {
        var folded: Set<String> = []
        for l in links where !l.isInternal && l.ambiguous.isEmpty && (l.role == "to" || l.role == "cc" || l.role == "bcc")
            && createdFor[l.address] == nil {
            if let id = l.contactId, contactsKnown.contains(StoreText.normalized(id)) { continue }
            guard let m = linkMessages[StoreText.normalized(l.messageKey)], !m.internal, m.direction == "sent",
                  let a = AddressNormalizer.parse(l.address) else { continue }
            folded.insert(Self.createdLockPrefix + AddressNormalizer.foldedKey(a))
        }
        guard !folded.isEmpty else { return }
        try c.execute("""
            SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))
            FROM (SELECT k FROM unnest($1::text[]) AS u(k) ORDER BY k COLLATE "C") s
            """, [Self.arrayLiteral(folded)])
    }

    static let createdLockPrefix = "mailroom-created-contact\u{1}"

    /// `LoadState.createdContact`: an existing contact created from sent mail, a new one, or nil when an imported
    /// contact holds the address by match key or folded key.
    private func createdContact(address: String) throws -> String? {
        if let known = createdFor[address] { return known }
        let id = try lookUpOrCreate(address: address)
        createdFor[address] = .some(id)
        if let id { contactsKnown.insert(StoreText.normalized(id)) }
        return id
    }

    private func lookUpOrCreate(address: String) throws -> String? {
        guard let a = AddressNormalizer.parse(address) else { return nil }
        let folded = AddressNormalizer.foldedKey(a)
        // SQLite sorts the NULL of `e.key = ?` first, so last in DESC order.
        if let holder = try c.execute("""
            SELECT c.id, c.origin FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
            WHERE e.key = $1 OR e.folded_key = $2 OR e.key = $2 ORDER BY (e.key = $1) DESC NULLS LAST, c.id LIMIT 1
            """, [a.key, folded]).rows.first {
            return holder[1] == LoadState.createdRule ? holder[0] : nil
        }
        let id = "auto:" + a.key
        try c.execute("""
            INSERT INTO contacts(id, name, origin, created_run) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING
            """, [id, state.names[address] ?? a.address, LoadState.createdRule, state.runId])
        try c.execute("""
            INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
            VALUES ($1, 0, $2, $3, $4, $5, NULL)
            """, [id, address, a.address, a.key, folded])
        return id
    }

    /// A PostgreSQL array literal of text values (`{"a","b\"c"}`), for `= ANY($1::text[])`.
    static func arrayLiteral(_ values: some Collection<String>) -> String {
        "{" + values.map { v in
            "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
