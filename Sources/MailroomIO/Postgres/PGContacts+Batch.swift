import MailroomCore

extension PGContacts {
    /// The load's contacts phase for a batch (each id once): the same rows as `upsert` contact by contact, in a few
    /// statements. Who holds each match key is read once for the batch, then `upsert`'s decisions (repeated,
    /// held by another contact, taking over from a contact created from sent mail) are replayed in memory in
    /// order, and the rows are written with `COPY`. A batch where a contact created from sent mail would be
    /// replaced by one and then imported again itself goes contact by contact (`upsert`). Each contact's row in the
    /// file (`saveFileRows`) is written with it.
    static func upsertBatch(_ c: PGConnection, _ contacts: [Contact]) throws {
        let ids = contacts.map { StoreText.normalized($0.id) }
        let keys = Set(contacts.flatMap { $0.emails.compactMap { $0.key.map(StoreText.normalized) } })
        var holder: [String: String] = [:]
        var held: [String: Set<String>] = [:]  // contact id → the keys of `holder` it holds
        var origin: [String: String] = [:]
        if !keys.isEmpty {
            for r in try c.execute("""
                SELECT e.key, e.contact_id, c.origin FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
                WHERE e.key = ANY($1::text[])
                """, [PGLoadBatch.arrayLiteral(keys)]).rows {
                holder[r[0] ?? ""] = r[1] ?? ""
                held[r[1] ?? "", default: []].insert(r[0] ?? "")
                origin[r[1] ?? ""] = r[2] ?? ""
            }
        }
        var emails: [[String?]] = []
        var replaced: [(old: String, new: String)] = []
        for (contact, id) in zip(contacts, ids) {
            origin[id] = "import"
            for k in held.removeValue(forKey: id) ?? [] { holder[k] = nil }  // its emails are replaced
            for (i, e) in contact.emails.enumerated() {
                var (key, folded, issue) = (e.key, e.foldedKey, e.issue)
                if let k = e.key.map(StoreText.normalized), let h = holder[k] {
                    if h == id {
                        (key, folded, issue) = (nil, nil, "repeated")
                    } else if origin[h] == LoadState.createdRule {
                        replaced.append((h, id))
                        for k2 in held.removeValue(forKey: h) ?? [] { holder[k2] = nil }
                        origin[h] = nil
                        holder[k] = id
                        held[id, default: []].insert(k)
                    } else {
                        (key, folded, issue) = (nil, nil, CRMStore.heldByPrefix + h)
                    }
                } else if let k = e.key.map(StoreText.normalized) {
                    holder[k] = id
                    held[id, default: []].insert(k)
                }
                emails.append([contact.id, String(i), e.raw, e.address, key, folded, issue])
            }
        }
        if replaced.contains(where: { r in ids.contains(r.old) }) {
            _ = try upsert(c, contacts)
            try saveFileRows(c, contacts)
            return
        }
        try c.copyIn(table: "in_contacts", columns: ["id", "name", "file_row"],
                     rows: contacts.map { [$0.id, $0.name, ContactOverlay.fileRow($0)] })
        try c.execute("""
            INSERT INTO contacts(id, name, origin, created_run, file_row)
            SELECT id, name, 'import', NULL, file_row FROM in_contacts
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, origin = 'import', created_run = NULL,
                file_row = excluded.file_row
            """)
        try c.execute("DELETE FROM contact_emails WHERE contact_id IN (SELECT id FROM in_contacts)")
        for r in replaced { try replaceCreated(c, r.old, with: r.new) }
        // A plain insert (the batch's contacts have no emails left): straight into the table.
        try c.copyIn(table: "contact_emails", columns: ["contact_id", "position", "raw", "address", "key", "folded_key", "issue"],
                     rows: emails)
    }
}

extension PGContacts {
    /// The contacts an import writes: not those whose row is the one last imported into the contact, nor those a
    /// standing merge deleted (`ContactOverlay.skipsImport`, as `CRMStore.upsertContacts` decides).
    static func notSkipped(_ c: PGConnection, _ contacts: [Contact]) throws -> [Contact] {
        guard !contacts.isEmpty else { return [] }
        var fileRows: [String: String] = [:]
        for r in try c.execute("SELECT id, file_row FROM contacts WHERE id = ANY($1::text[]) AND file_row IS NOT NULL",
                               [PGLoadBatch.arrayLiteral(Set(contacts.map { StoreText.normalized($0.id) }))]).rows {
            if let id = r[0] ?? nil, let row = r[1] ?? nil { fileRows[id] = row }
        }
        var merged: Set<String> = []
        for r in try c.execute("SELECT merged FROM contact_merges WHERE undone_run IS NULL").rows {
            for v in (try? JSONParser.parse(Array((r[0] ?? "[]")?.utf8 ?? "[]".utf8)))?.arrayValue ?? [] {
                if let s = v.stringValue { merged.insert(s) }
            }
        }
        return contacts.filter { !ContactOverlay.skipsImport($0, fileRows: fileRows, mergedAway: merged) }
    }

    /// Records each imported contact's row (`contacts.file_row`).
    /// One statement for the batch (each id once, as the batch guarantees).
    static func saveFileRows(_ c: PGConnection, _ contacts: [Contact]) throws {
        guard !contacts.isEmpty else { return }
        try c.execute("""
            UPDATE contacts c SET file_row = u.file_row FROM unnest($1::text[], $2::text[]) AS u(id, file_row)
            WHERE c.id = u.id
            """, [PGLoadBatch.arrayLiteral(contacts.map { StoreText.normalized($0.id) }),
                  PGLoadBatch.arrayLiteral(contacts.map(ContactOverlay.fileRow))])
    }
}
