import MailroomCore

/// `LoadState.createdContact` for a whole links batch at once: which contact each address of the batch that may get
/// a contact created from sent mail links to. The contact emails that could hold any of the addresses (by match key
/// or folded key) are read in one statement; then each address, in the order the batch first names it, gets what
/// SQLite's per-address look-up would return: the holder whose key equals the address's key first, then the
/// others (a NULL key last), then the least contact id (bytewise), then the least position; a contact created from
/// sent mail is linked, an imported one keeps the address unlinked; no holder: a new contact `auto:<folded key>`
/// (counted as a holder for the addresses after it). A created contact takes the better name and the lesser
/// spelling (`CreatedContactRules`). The new contacts and their emails are then written with `COPY` and two
/// statements, the renamed and respelled ones with one statement each.
struct PGCreatedContacts {
    /// A stored (or just created) email that may hold an address.
    private struct Holder {
        var key: String?
        var contactId: String
        var created: Bool
        var name: String
        var position: Int
        var raw: String
        var folded: String?
        /// The email's display address (`contact_emails.address`).
        var shown: String
        /// Whether this batch set the spelling (new and respelled holders).
        var respelled: Bool
        /// Written by this batch, not read from the store.
        var isNew: Bool
    }

    private var holders: [Holder] = []
    private var byKey: [String: [Int]] = [:]
    private var byFolded: [String: [Int]] = [:]
    /// Stored created contacts this batch renames or respells (holder index), in first-change order.
    private var changed: [Int] = []
    private var changedSet: Set<Int> = []

    /// Resolves `addresses` (each once, in first-use order); nil for an address that links to no contact.
    static func resolve(_ c: PGConnection, _ addresses: [String], names: [String: String],
                        runId: String) throws -> [String: String?] {
        var parsed: [(address: String, raw: String, key: String, folded: String, display: String)] = []
        var out: [String: String?] = [:]
        for address in addresses {
            guard let a = AddressNormalizer.parse(address) else {
                out[address] = .some(nil)
                continue
            }
            parsed.append((address, StoreText.normalized(address), StoreText.normalized(a.key),
                           StoreText.normalized(AddressNormalizer.foldedKey(a)), StoreText.normalized(a.address)))
        }
        guard !parsed.isEmpty else { return out }
        var r = PGCreatedContacts()
        let keys = Set(parsed.flatMap { [$0.key, $0.folded] })
        let folded = Set(parsed.map(\.folded))
        for row in try c.execute("""
            SELECT e.key, e.folded_key, c.id, c.origin, c.name, e.position, e.raw, e.address
            FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
            WHERE e.key = ANY($1::text[]) OR e.folded_key = ANY($2::text[])
            """, [PGLoadBatch.arrayLiteral(keys), PGLoadBatch.arrayLiteral(folded)]).rows {
            r.add(Holder(key: row[0], contactId: row[2] ?? "", created: row[3] == LoadState.createdRule,
                         name: row[4] ?? "", position: Int(row[5] ?? "") ?? 0, raw: row[6] ?? "", folded: row[1],
                         shown: row[7] ?? "", respelled: false, isNew: false))
        }
        // A contact `auto:<folded key>` that holds none of the addresses had them removed (`contacts remove-email`),
        // which a load does not undo: those addresses stay unlinked.
        let ids = Set(parsed.map { StoreText.normalized(CreatedContactRules.id(folded: $0.folded)) })
        let existing = Set(try c.execute("SELECT id FROM contacts WHERE id = ANY($1::text[])",
                                         [PGLoadBatch.arrayLiteral(ids)]).rows.compactMap { $0.first ?? nil })
        for p in parsed {
            if let i = r.best(key: p.key, folded: p.folded) {
                guard r.holders[i].created else {
                    out[p.address] = .some(nil)
                    continue
                }
                r.improve(i, name: names[p.address], raw: p.raw, display: p.display, key: p.key, folded: p.folded)
                out[p.address] = .some(r.holders[i].contactId)
                continue
            }
            let id = StoreText.normalized(CreatedContactRules.id(folded: p.folded))
            if existing.contains(id) {
                out[p.address] = .some(nil)
                continue
            }
            let name = CreatedContactRules.name(current: nil, candidate: names[p.address], display: p.display)
            r.add(Holder(key: p.key, contactId: id, created: true, name: name, position: 0, raw: p.raw, folded: p.folded,
                         shown: p.display, respelled: true, isNew: true))
            out[p.address] = .some(id)
        }
        try r.write(c, runId: runId)
        return out
    }

    private mutating func add(_ h: Holder) {
        let i = holders.count
        holders.append(h)
        if let k = h.key { byKey[k, default: []].append(i) }
        if let f = h.folded { byFolded[f, default: []].append(i) }
    }

    /// Holder `i` (a created contact) meets an address of the batch (`CreatedContactRules.met`).
    private mutating func improve(_ i: Int, name candidate: String?, raw: String, display: String, key: String,
                                  folded: String) {
        let h = holders[i]
        let before = CreatedContactRules.Shown(raw: h.raw, key: h.key ?? "", address: h.shown, name: h.name)
        let after = CreatedContactRules.met(before, raw: raw, key: key, address: display, folded: folded,
                                            candidate: candidate)
        guard after != before else { return }
        if after.key != before.key {
            // The key moves with the spelling; the folded key (the look-up's) stays.
            if let old = h.key { byKey[old]?.removeAll { $0 == i } }
            byKey[after.key, default: []].append(i)
        }
        if after.raw != before.raw || after.key != before.key { holders[i].respelled = true }
        (holders[i].raw, holders[i].key, holders[i].shown, holders[i].name) = (after.raw, after.key, after.address, after.name)
        if !h.isNew, changedSet.insert(i).inserted { changed.append(i) }
    }

    /// SQLite's `WHERE e.key = k OR e.folded_key = f OR e.key = f ORDER BY e.key = k DESC, c.id, e.position LIMIT 1`.
    private func best(key k: String, folded f: String) -> Int? {
        var best: Int?
        var bestRank = 3
        func consider(_ i: Int) {
            let h = holders[i]
            let rank = h.key == k ? 0 : (h.key == nil ? 2 : 1)
            if let b = best.map({ holders[$0] }) {
                if rank > bestRank { return }
                if rank == bestRank {
                    if h.contactId == b.contactId {
                        if h.position >= b.position { return }
                    } else if !h.contactId.utf8.lexicographicallyPrecedes(b.contactId.utf8) {
                        return
                    }
                }
            }
            best = i
            bestRank = rank
        }
        for i in byKey[k] ?? [] { consider(i) }
        if f != k { for i in byKey[f] ?? [] { consider(i) } }
        for i in byFolded[f] ?? [] { consider(i) }
        return best
    }

    private func write(_ c: PGConnection, runId: String) throws {
        let new = holders.indices.filter { holders[$0].isNew }
        if !new.isEmpty {
            try c.copyIn(table: "in_contacts", columns: ["id", "name"], rows: new.map { [holders[$0].contactId, holders[$0].name] })
            try c.execute("""
                INSERT INTO contacts(id, name, origin, created_run) SELECT id, name, $1, $2 FROM in_contacts
                ON CONFLICT (id) DO NOTHING
                """, [LoadState.createdRule, runId])
            try c.copyIn(table: "in_contact_emails", columns: ["contact_id", "position", "raw", "address", "key", "folded_key", "issue"],
                         rows: new.map { i in
                             let h = holders[i]
                             return [h.contactId, "0", h.raw, h.shown, h.key, h.folded, nil]
                         })
            try c.execute("""
                INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
                SELECT contact_id, position, raw, address, key, folded_key, issue FROM in_contact_emails
                """)
        }
        guard !changed.isEmpty else { return }
        let ids = changed.map { holders[$0].contactId }
        try c.execute("""
            UPDATE contacts c SET name = u.name FROM unnest($1::text[], $2::text[]) AS u(id, name)
            WHERE c.id = u.id AND c.name IS DISTINCT FROM u.name
            """, [PGLoadBatch.arrayLiteral(ids), PGLoadBatch.arrayLiteral(changed.map { holders[$0].name })])
        let respelled = changed.filter { holders[$0].respelled }
        guard !respelled.isEmpty else { return }
        try c.execute("""
            UPDATE contact_emails e SET raw = u.raw, address = u.address, key = u.key
            FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(contact_id, position, raw, address, key)
            WHERE e.contact_id = u.contact_id AND e.position = u.position
            """, [PGLoadBatch.arrayLiteral(respelled.map { holders[$0].contactId }),
                  "{" + respelled.map { String(holders[$0].position) }.joined(separator: ",") + "}",
                  PGLoadBatch.arrayLiteral(respelled.map { holders[$0].raw }),
                  PGLoadBatch.arrayLiteral(respelled.map { holders[$0].shown }),
                  PGLoadBatch.arrayLiteral(respelled.map { holders[$0].key ?? "" })])
    }
}
