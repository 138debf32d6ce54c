import Foundation

/// The post-load review: the checks the CRM team would otherwise do by hand, over the loaded store. Addresses are
/// re-normalized here (with `AddressNormalizer`) rather than trusting the stored keys, so a row written wrong by
/// hand or by a bug is still caught.
public enum ReviewChecks {
    /// Check names and what each one checks, in report order (`ReviewReport.checks`).
    public static let checks = ReviewReport.checks
    /// Matched threads in the spot-check sample.
    public static let sampleSize = 5

    /// Runs every check. Reads only (the store may be open read-only).
    public static func run(_ store: any MailroomStore) throws -> ReviewReport {
        try store.readSQL("review the store") { db in
            var findings: [ReviewFinding] = []
            let emails = try contactKeys(db)
            findings += try linkedAddress(db, emails)
            findings += try duplicateAddress(db)
            findings += try internalLinked(db)
            findings += try recentSent(db)
            findings += try subjectJoinStrangers(db)
            findings += try duplicateMessage(db)
            var report = ReviewReport(store: store.location, findings: findings, sample: try sample(db))
            report.cleanup = try cleanupSuggestions(db)
            return report
        }
    }

    /// Contact emails that take part in matching: not those kept only for show because another contact holds them.
    static let usable = "WHERE issue IS NULL OR issue NOT LIKE '\(CRMStore.heldByPrefix)%'"

    /// Match key and folded key of an address as stored.
    static func keys(_ address: String) -> (key: String, folded: String)? {
        guard let a = AddressNormalizer.parse(address) else { return nil }
        return (a.key, AddressNormalizer.foldedKey(a))
    }

    /// Contact id → every match key and folded key of its saved addresses.
    private static func contactKeys(_ db: any StoreSQL) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for r in try db.rows("SELECT contact_id, raw, address FROM contact_emails \(usable)", []) {
            let addr = r[2] ?? r[1] ?? ""
            guard let k = keys(addr) else { continue }
            out[r[0] ?? "", default: []].formUnion([k.key, k.folded])
        }
        return out
    }

    private static func holds(_ emails: [String: Set<String>], _ contact: String, _ address: String) -> Bool {
        guard let k = keys(address), let held = emails[contact] else { return false }
        return held.contains(k.key) || held.contains(k.folded)
    }

    private static func linkedAddress(_ db: any StoreSQL, _ emails: [String: Set<String>]) throws -> [ReviewFinding] {
        var out: [ReviewFinding] = []
        // Thread links by thread and contact: the match keys of their addresses.
        var threadLinks: [String: Set<String>] = [:]
        for r in try db.rows("SELECT thread_id, contact_id, address FROM thread_contacts", []) {
            let address = r[2] ?? ""
            threadLinks[(r[0] ?? "") + "\u{0}" + (r[1] ?? ""), default: []].insert(keys(address)?.key ?? address)
        }
        for r in try db.rows("""
            SELECT p.message_key, p.role, p.address, p.contact_id, m.thread_id FROM participants p
            JOIN messages m ON m.key = p.message_key WHERE p.contact_id IS NOT NULL
            ORDER BY p.message_key, p.role, p.address
            """, []) {
            let (key, role, address, contact, thread) = (r[0] ?? "", r[1] ?? "", r[2] ?? "", r[3] ?? "", r[4] ?? "")
            if threadLinks[thread + "\u{0}" + contact]?.contains(keys(address)?.key ?? address) != true {
                out.append(ReviewFinding(check: "linked-address", severity: .failure,
                                         detail: "message \(key) is linked to contact \(contact) through its \(role) "
                                            + "\(address), but its thread \(thread) has no link to that contact through "
                                            + "that address (thread_contacts disagrees with participants)",
                                         contactId: contact, messageKey: key, threadId: thread, address: address))
            }
            if !holds(emails, contact, address) {
                out.append(ReviewFinding(check: "linked-address", severity: .failure,
                                         detail: "message \(key) is linked to contact \(contact) through its \(role) "
                                            + "\(address), which is not one of that contact's addresses",
                                         contactId: contact, messageKey: key, address: address))
            }
        }
        for r in try db.rows("""
            SELECT tc.thread_id, tc.contact_id, tc.address,
                   EXISTS(SELECT 1 FROM participants p JOIN messages m ON m.key = p.message_key
                          WHERE m.thread_id = tc.thread_id AND p.address = tc.address) AS present,
                   EXISTS(SELECT 1 FROM participants p JOIN messages m ON m.key = p.message_key
                          WHERE m.thread_id = tc.thread_id AND p.address = tc.address
                            AND p.contact_id = tc.contact_id) AS linked
            FROM thread_contacts tc ORDER BY tc.thread_id, tc.contact_id, tc.address
            """, []) {
            let (thread, contact, address) = (r[0] ?? "", r[1] ?? "", r[2] ?? "")
            if !holds(emails, contact, address) {
                out.append(ReviewFinding(check: "linked-address", severity: .failure,
                                         detail: "thread \(thread) is linked to contact \(contact) through \(address), "
                                            + "which is not one of that contact's addresses",
                                         contactId: contact, threadId: thread, address: address))
            } else if !StoreRow.flag(r[3]) {
                out.append(ReviewFinding(check: "linked-address", severity: .failure,
                                         detail: "thread \(thread) is linked to contact \(contact) through \(address), "
                                            + "but no message of the thread has that participant",
                                         contactId: contact, threadId: thread, address: address))
            } else if !StoreRow.flag(r[4]) {
                out.append(ReviewFinding(check: "linked-address", severity: .failure,
                                         detail: "thread \(thread) is linked to contact \(contact) through \(address), "
                                            + "but no participant of the thread with that address is linked to that "
                                            + "contact (thread_contacts disagrees with participants)",
                                         contactId: contact, threadId: thread, address: address))
            }
        }
        return out
    }

    private static func duplicateAddress(_ db: any StoreSQL) throws -> [ReviewFinding] {
        var byKey: [String: Set<String>] = [:]
        var byFolded: [String: Set<String>] = [:]
        for r in try db.rows("SELECT contact_id, raw, address FROM contact_emails \(usable)", []) {
            let addr = r[2] ?? r[1] ?? ""
            guard let k = keys(addr) else { continue }
            byKey[k.key, default: []].insert(r[0] ?? "")
            byFolded[k.folded, default: []].insert(r[0] ?? "")
        }
        var out: [ReviewFinding] = []
        for r in try db.rows("""
            SELECT contact_id, address, issue FROM contact_emails WHERE issue LIKE '\(CRMStore.heldByPrefix)%'
            ORDER BY contact_id, position
            """, []) {
            let (contact, issue) = (r[0] ?? "", r[2] ?? "")
            let address: String? = r[1]
            let holder = String(issue.dropFirst(CRMStore.heldByPrefix.count))
            out.append(ReviewFinding(check: "duplicate-address", severity: .warning,
                                     detail: "contact \(contact) lists \(address ?? "an address"), which contact "
                                        + "\(holder) already holds: the store keeps it on \(holder) only (merge them?)",
                                     contactId: contact, address: address))
        }
        for (key, ids) in byKey.sorted(by: { $0.key < $1.key }) where ids.count > 1 {
            let names = ids.sorted().joined(separator: ", ")
            out.append(ReviewFinding(check: "duplicate-address", severity: .failure,
                                     detail: "contacts \(names) share the address \(key)",
                                     contactId: ids.sorted().first, address: key))
        }
        for (folded, ids) in byFolded.sorted(by: { $0.key < $1.key }) where ids.count > 1 {
            if byKey.values.contains(where: { $0 == ids }) { continue }
            out.append(ReviewFinding(check: "duplicate-address", severity: .warning,
                                     detail: "contacts \(ids.sorted().joined(separator: ", ")) have addresses that are "
                                        + "the same after +tag/Gmail folding (\(folded)): the same person?",
                                     contactId: ids.sorted().first, address: folded))
        }
        return out
    }

    /// A thread counts as internal-only when it is stored so, or when none of its participants is external.
    static let internalOnly = """
        (t.visibility = 'internal' OR t.class = 'internal-only'
         OR NOT EXISTS(SELECT 1 FROM messages m2 JOIN participants p2 ON p2.message_key = m2.key
                       WHERE m2.thread_id = t.id AND p2.is_internal = 0))
        """

    private static func internalLinked(_ db: any StoreSQL) throws -> [ReviewFinding] {
        var out: [ReviewFinding] = []
        for r in try db.rows("""
            SELECT t.id, tc.contact_id FROM threads t JOIN thread_contacts tc ON tc.thread_id = t.id
            WHERE \(internalOnly)
            UNION
            SELECT t.id, p.contact_id FROM threads t JOIN messages m ON m.thread_id = t.id
                JOIN participants p ON p.message_key = m.key
            WHERE p.contact_id IS NOT NULL AND \(internalOnly)
            ORDER BY 1, 2
            """, []) {
            let (thread, contact) = (r[0] ?? "", r[1] ?? "")
            out.append(ReviewFinding(check: "internal-linked", severity: .failure,
                                     detail: "internal-only thread \(thread) is linked to contact \(contact)",
                                     contactId: contact, threadId: thread))
        }
        for r in try db.rows("""
            SELECT id, proposed_class FROM threads WHERE visibility = 'internal' AND proposed_class <> 'internal-only'
            ORDER BY id
            """, []) {
            let (thread, proposed) = (r[0] ?? "", r[1] ?? "")
            out.append(ReviewFinding(check: "internal-linked", severity: .warning,
                                     detail: "internal thread \(thread) was kept internal although a later load saw "
                                        + "it as \(proposed) (external participants joined): check it by hand",
                                     threadId: thread))
        }
        return out
    }
}
