import Foundation
import MailroomCore

/// Relinks the loaded messages a contacts command affects, inside its transaction: participants whose address has
/// one of `keys` as match key or folded key get the link the store's contacts now give (`ContactEdit.relinked`),
/// the thread links (`thread_contacts`) of every thread and contact concerned are made again from the
/// participants, and those threads' class follows (matched when a participant is linked, else unmatched).
/// Internal threads are never linked. Every row it changes is first kept in `undo` with its earlier values.
struct ContactRelinker {
    var undo = ContactUndoRows()
    /// (thread, contact) pairs whose thread links are made again; those whose rows `undo` holds already.
    var pairs: Set<ThreadContactPair> = []
    private var saved: Set<ThreadContactPair> = []
    var counts = ContactRelinkCounts()

    /// Relinks the customer threads' participants whose address has a match key or folded key in `keys`; `edited`:
    /// the contacts whose addresses changed (a link to one of them that the contacts no longer give is removed).
    /// `linkedTo`: only the participants linked to that contact (an import that took addresses off it).
    mutating func relink(_ db: any StoreSQL, keys: Set<String>, edited: Set<String>, linkedTo: String? = nil) throws {
        let index = ContactIndex(contacts: try CRMStore.allContacts(db))
        var parsed: [String: Bool] = [:]  // address → concerned
        var threadsTouched: Set<String> = []
        var changes: [(key: String, role: String, address: String, contact: String?, rule: String?)] = []
        try db.eachRow("""
            SELECT p.message_key, p.role, p.address, p.contact_id, p.rule, m.thread_id, t.visibility
            FROM participants p JOIN messages m ON m.key = p.message_key JOIN threads t ON t.id = m.thread_id
            WHERE p.is_internal = 0 \(linkedTo == nil ? "" : "AND p.contact_id = ?")
            """, linkedTo.map { [$0] } ?? []) { r in
            let (messageKey, role, address) = (r[0] ?? "", r[1] ?? "", r[2] ?? "")
            let concerned: Bool
            if let known = parsed[address] {
                concerned = known
            } else {
                let a = AddressNormalizer.parse(address)
                concerned = a.map { keys.contains($0.key) || keys.contains(AddressNormalizer.foldedKey($0)) } ?? false
                parsed[address] = concerned
            }
            guard concerned, r[6] == "customer", let a = AddressNormalizer.parse(address) else { return }
            let (oldContact, oldRule) = (r[3], r[4])
            let new = ContactEdit.relinked(contactId: oldContact, rule: oldRule, lookup: index.lookup(a), edited: edited)
            guard new.contactId != oldContact || new.rule != oldRule else { return }
            let thread = r[5] ?? ""
            changes.append((messageKey, role, address, new.contactId, new.rule))
            undo.participants.append([messageKey, role, address, oldContact, oldRule])
            threadsTouched.insert(thread)
            if let c = oldContact { pairs.insert(ThreadContactPair(thread: thread, contact: c)) }
            if let c = new.contactId { pairs.insert(ThreadContactPair(thread: thread, contact: c)) }
            switch (oldContact, new.contactId) {
            case (nil, _?): counts.linksAdded += 1
            case (_?, nil): counts.linksRemoved += 1
            default: counts.linksChanged += 1
            }
        }
        for c in changes {
            try db.exec("UPDATE participants SET contact_id = ?, rule = ? WHERE message_key = ? AND role = ? AND address = ?",
                        [c.contact, c.rule, c.key, c.role, c.address])
        }
        counts.messages = Set(changes.map(\.key)).count
        try rebuildThreadContacts(db)
        try updateClasses(db, threadsTouched.union(pairs.map(\.thread)))
    }

    /// The thread links of every pair in `pairs`, made again from the participants: one row per contact and
    /// address key in the thread (its least address, with that participant's rule).
    mutating func rebuildThreadContacts(_ db: any StoreSQL) throws {
        for p in pairs.sorted() {
            if saved.insert(p).inserted { try save(db, p) }
            try db.exec("DELETE FROM thread_contacts WHERE thread_id = ? AND contact_id = ?", [p.thread, p.contact])
            var byKey: [String: (address: String, rule: String)] = [:]
            for r in try db.rows("""
                SELECT p.address, p.rule FROM participants p JOIN messages m ON m.key = p.message_key
                WHERE m.thread_id = ? AND p.contact_id = ?
                """, [p.thread, p.contact]) {
                let address = r[0] ?? ""
                let key = AddressNormalizer.parse(address)?.key ?? address
                let rule = r[1] ?? MatchRule.otherEmail.rawValue
                if let old = byKey[key], old.address <= address { continue }
                byKey[key] = (address, rule)
            }
            for (_, v) in byKey {
                try db.exec("INSERT INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?)",
                            [p.thread, p.contact, v.address, v.rule])
            }
        }
    }

    /// Keeps the pair's thread links in `undo` as they are now.
    private mutating func save(_ db: any StoreSQL, _ p: ThreadContactPair) throws {
        for r in try db.rows("SELECT address, rule FROM thread_contacts WHERE thread_id = ? AND contact_id = ?",
                             [p.thread, p.contact]) {
            undo.threadContacts.append([p.thread, p.contact, r[0], r[1]])
        }
        undo.pairs.append([p.thread, p.contact])
    }

    /// Customer threads among `threads` become matched when a participant is linked, unmatched when none is.
    mutating func updateClasses(_ db: any StoreSQL, _ threads: Set<String>) throws {
        for t in threads.sorted() {
            guard let r = try db.rows("SELECT visibility, class, proposed_class FROM threads WHERE id = ?", [t]).first
            else { continue }
            let (visibility, cls, proposed) = (r[0] ?? "", r[1] ?? "", r[2] ?? "")
            let linked = StoreRow.flag(try db.value("""
                SELECT EXISTS(SELECT 1 FROM messages m JOIN participants p ON p.message_key = m.key
                              WHERE m.thread_id = ? AND p.contact_id IS NOT NULL)
                """, [t]))
            let new = ContactEdit.threadClass(current: cls, visibility: visibility, linked: linked)
            guard new != cls else { continue }
            undo.threads.append([t, cls, proposed])
            try db.exec("UPDATE threads SET class = ?, proposed_class = ? WHERE id = ?",
                        [new, proposed == cls ? new : proposed, t])
            if new == "matched" { counts.threadsMatched += 1 } else { counts.threadsUnmatched += 1 }
        }
    }
}

/// A thread and a contact linked to it.
struct ThreadContactPair: Hashable, Comparable {
    var thread: String
    var contact: String

    static func < (a: Self, b: Self) -> Bool { (a.thread, a.contact) < (b.thread, b.contact) }
}

/// What a relink changed.
public struct ContactRelinkCounts: Sendable, Equatable {
    /// Participants linked that were not.
    public var linksAdded = 0
    /// Participants unlinked.
    public var linksRemoved = 0
    /// Participants linked to another contact, or with another rule.
    public var linksChanged = 0
    /// Messages with a participant whose link changed.
    public var messages = 0
    /// Threads that became matched, or unmatched.
    public var threadsMatched = 0
    public var threadsUnmatched = 0

    public init() {}

    var dictionary: [String: Int] {
        ["linksAdded": linksAdded, "linksRemoved": linksRemoved, "linksChanged": linksChanged, "messages": messages,
         "threadsMatched": threadsMatched, "threadsUnmatched": threadsUnmatched]
    }
}
