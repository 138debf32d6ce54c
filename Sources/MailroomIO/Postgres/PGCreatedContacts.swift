import MailroomCore

/// `LoadState.createdContact` for a whole links batch at once: which contact each address of the batch that may get
/// a contact created from sent mail links to. The contact emails that could hold any of the addresses (by match key
/// or folded key) are read in one statement; then each address, in the order the batch first names it, gets what
/// SQLite's per-address look-up would return: the holder whose key equals the address's key first, then the
/// others (a NULL key last), then the least contact id (bytewise); a contact created from sent mail is linked, an
/// imported one keeps the address unlinked; no holder: a new contact `auto:<key>` (counted as a holder for the
/// addresses after it). The new contacts and their emails are then written with `COPY` and two statements.
struct PGCreatedContacts {
    /// A stored (or just created) email that may hold an address.
    private struct Holder {
        var key: String?
        var contactId: String
        var created: Bool
    }

    private var byKey: [String: [Holder]] = [:]
    private var byFolded: [String: [Holder]] = [:]
    private(set) var newContacts: [[String?]] = []
    private(set) var newEmails: [[String?]] = []

    /// Resolves `addresses` (each once, in first-use order); nil for an address that links to no contact.
    static func resolve(_ c: PGConnection, _ addresses: [String], names: [String: String],
                        runId: String) throws -> [String: String?] {
        var parsed: [(address: String, key: String, folded: String, display: String)] = []
        var out: [String: String?] = [:]
        for address in addresses {
            guard let a = AddressNormalizer.parse(address) else {
                out[address] = .some(nil)
                continue
            }
            parsed.append((address, StoreText.normalized(a.key), StoreText.normalized(AddressNormalizer.foldedKey(a)),
                           a.address))
        }
        guard !parsed.isEmpty else { return out }
        var r = PGCreatedContacts()
        let keys = Set(parsed.flatMap { [$0.key, $0.folded] })
        let folded = Set(parsed.map(\.folded))
        for row in try c.execute("""
            SELECT e.key, e.folded_key, c.id, c.origin FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
            WHERE e.key = ANY($1::text[]) OR e.folded_key = ANY($2::text[])
            """, [PGLoadBatch.arrayLiteral(keys), PGLoadBatch.arrayLiteral(folded)]).rows {
            r.add(Holder(key: row[0], contactId: row[2] ?? "", created: row[3] == LoadState.createdRule),
                  folded: row[1])
        }
        for p in parsed {
            if let h = r.best(key: p.key, folded: p.folded) {
                out[p.address] = .some(h.created ? h.contactId : nil)
                continue
            }
            let id = StoreText.normalized("auto:" + p.key)
            r.newContacts.append([id, names[p.address] ?? p.display])
            r.newEmails.append([id, "0", p.address, p.display, p.key, p.folded, nil])
            r.add(Holder(key: p.key, contactId: id, created: true), folded: p.folded)
            out[p.address] = .some(id)
        }
        try r.write(c, runId: runId)
        return out
    }

    private mutating func add(_ h: Holder, folded: String?) {
        if let k = h.key { byKey[k, default: []].append(h) }
        if let f = folded { byFolded[f, default: []].append(h) }
    }

    /// SQLite's `WHERE e.key = k OR e.folded_key = f OR e.key = f ORDER BY e.key = k DESC, c.id LIMIT 1`.
    private func best(key k: String, folded f: String) -> Holder? {
        var best: Holder?
        var bestRank = 3
        func consider(_ h: Holder) {
            let rank = h.key == k ? 0 : (h.key == nil ? 2 : 1)
            if rank < bestRank || (rank == bestRank && h.contactId.utf8.lexicographicallyPrecedes(best!.contactId.utf8)) {
                best = h
                bestRank = rank
            }
        }
        for h in byKey[k] ?? [] { consider(h) }
        if f != k { for h in byKey[f] ?? [] { consider(h) } }
        for h in byFolded[f] ?? [] { consider(h) }
        return best
    }

    private func write(_ c: PGConnection, runId: String) throws {
        guard !newContacts.isEmpty else { return }
        try c.copyIn(table: "in_contacts", columns: ["id", "name"], rows: newContacts)
        try c.execute("""
            INSERT INTO contacts(id, name, origin, created_run) SELECT id, name, $1, $2 FROM in_contacts
            ON CONFLICT (id) DO NOTHING
            """, [LoadState.createdRule, runId])
        try c.copyIn(table: "in_contact_emails", columns: ["contact_id", "position", "raw", "address", "key", "folded_key", "issue"],
                     rows: newEmails)
        try c.execute("""
            INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
            SELECT contact_id, position, raw, address, key, folded_key, issue FROM in_contact_emails
            """)
    }
}
