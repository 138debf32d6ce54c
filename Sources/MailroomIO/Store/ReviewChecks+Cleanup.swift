import MailroomCore

extension ReviewChecks {
    /// What to clean up in the store: its duplicate contact groups (found on every written address, as
    /// `contacts duplicates` does), and the external addresses on customer threads that no contact holds, most
    /// messages first (bulk-only ones skipped; an address the contacts would link is not offered).
    static func cleanupSuggestions(_ db: any StoreSQL) throws -> CleanupSuggestions {
        var imported: [Contact] = []
        var all: [Contact] = []
        var current: (contact: Contact, created: Bool)?
        func flush() {
            guard let c = current else { return }
            all.append(c.contact)
            if !c.created { imported.append(c.contact) }
        }
        for r in try db.rows("""
            SELECT c.id, c.name, c.origin, e.raw, e.address, e.key, e.folded_key, e.issue
            FROM contacts c LEFT JOIN contact_emails e ON e.contact_id = c.id ORDER BY c.id, e.position
            """, []) {
            let id = r[0] ?? ""
            if current?.contact.id != id {
                flush()
                current = (Contact(id: id, name: r[1] ?? "", emails: [], line: 0), r[2] == "created-from-sent")
            }
            if let raw = r[3] {
                current!.contact.emails.append(ContactEmail(raw: raw, address: r[4], key: r[5], foldedKey: r[6], issue: r[7]))
            }
        }
        flush()
        let index = ContactIndex(contacts: imported)
        var unmatched: [UnmatchedAddress] = []
        for r in try db.rows("""
            SELECT p.address, count(DISTINCT p.message_key), count(DISTINCT m.thread_id), max(m.date), min(m.bulk)
            FROM participants p JOIN messages m ON m.key = p.message_key JOIN threads t ON t.id = m.thread_id
            WHERE p.is_internal = 0 AND p.contact_id IS NULL AND t.visibility = 'customer'
            GROUP BY p.address ORDER BY 2 DESC, 4 DESC, 1
            """, []) {
            guard unmatched.count < 4 * CleanupSuggestions.addressesShown else { break }
            let address = r[0] ?? ""
            guard index.lookup(RelinkRules.address(address)) == .none else { continue }
            unmatched.append(UnmatchedAddress(address: address, name: nil, messages: Int(r[1] ?? "") ?? 0,
                                              threads: Int(r[2] ?? "") ?? 0, sentTo: 0, lastSeen: r[3],
                                              bulkOnly: r[4] == "1"))
        }
        return CleanupSuggestions.make(groups: ContactDuplicates.groups(ContactOverlay.writtenKeys(all)), contacts: all,
                                       unmatched: unmatched)
    }
}
