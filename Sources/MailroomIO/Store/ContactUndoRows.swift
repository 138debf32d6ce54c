import Foundation
import MailroomCore

/// The exact rows a contacts command changed or deleted, as they were before (`contact_merges.before`): restoring
/// them gives back the store as it was. Each list holds rows in the order they were saved; a row saved twice (a
/// participant moved, then relinked) is restored to its first, earliest values.
struct ContactUndoRows {
    /// `contacts`: id, name, origin, created_run, file_row (contacts the command deleted or changed).
    var contacts: [[String?]] = []
    /// Contacts whose every email is replaced on restore.
    var emailOwners: [String] = []
    /// `contact_emails`: contact_id, position, raw, address, key, folded_key, issue.
    var emails: [[String?]] = []
    /// `participants`: message_key, role, address, contact_id, rule.
    var participants: [[String?]] = []
    /// (thread_id, contact_id) pairs whose thread links are replaced on restore, and their rows:
    /// thread_id, contact_id, address, rule.
    var pairs: [[String?]] = []
    var threadContacts: [[String?]] = []
    /// `threads`: id, class, proposed_class.
    var threads: [[String?]] = []

    static let fields = ["contacts", "emailOwners", "emails", "participants", "pairs", "threadContacts", "threads"]

    var json: String {
        var w = JSONWriter()
        w.beginObject()
        for (name, rows) in zip(Self.fields, [contacts, emailOwners.map { [$0] }, emails, participants, pairs,
                                              threadContacts, threads]) {
            w.key(name)
            w.beginArray()
            for r in rows {
                w.beginArray()
                for v in r { if let v { w.string(v) } else { w.null() } }
                w.endArray()
            }
            w.endArray()
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    init() {}

    init(json: String) throws {
        let o = try JSONObject(JSONParser.parse(Array(json.utf8)), what: "undo record")
        func rows(_ name: String) throws -> [[String?]] {
            try o.array(name) { row in
                guard let a = row.arrayValue else { throw JSONError("\(name) row is not an array") }
                return a.map(\.stringValue)
            }
        }
        contacts = try rows("contacts")
        emailOwners = try rows("emailOwners").compactMap { $0.first ?? nil }
        emails = try rows("emails")
        participants = try rows("participants")
        pairs = try rows("pairs")
        threadContacts = try rows("threadContacts")
        threads = try rows("threads")
    }

    /// Saves the contact's row (put back as it is now on restore).
    mutating func saveContact(_ db: any StoreSQL, _ id: String) throws {
        contacts += try db.rows("SELECT id, name, origin, created_run, file_row FROM contacts WHERE id = ?", [id])
    }

    /// Saves every email of `contactId` (all its rows are replaced on restore).
    mutating func saveEmails(_ db: any StoreSQL, of contactId: String) throws {
        emailOwners.append(contactId)
        emails += try db.rows("""
            SELECT contact_id, position, raw, address, key, folded_key, issue FROM contact_emails WHERE contact_id = ?
            ORDER BY position
            """, [contactId])
    }

    /// Puts every saved row back, in the order foreign keys need.
    func restore(_ db: any StoreSQL) throws {
        for c in contacts {
            try db.exec("""
                INSERT INTO contacts(id, name, origin, created_run, file_row) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, origin = excluded.origin,
                    created_run = excluded.created_run, file_row = excluded.file_row
                """, c.map { $0 })
        }
        for owner in emailOwners {
            try db.exec("DELETE FROM contact_emails WHERE contact_id = ?", [owner])
        }
        for e in emails {
            try db.exec("DELETE FROM contact_emails WHERE contact_id = ? AND position = ?", [e[0], Int(e[1] ?? "") ?? 0])
        }
        for e in emails {
            try db.exec("""
                INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [e[0], Int(e[1] ?? "") ?? 0, e[2], e[3], e[4], e[5], e[6]])
        }
        for p in participants.reversed() {
            try db.exec("UPDATE participants SET contact_id = ?, rule = ? WHERE message_key = ? AND role = ? AND address = ?",
                        [p[3], p[4], p[0], p[1], p[2]])
        }
        for p in pairs {
            try db.exec("DELETE FROM thread_contacts WHERE thread_id = ? AND contact_id = ?", [p[0], p[1]])
        }
        for t in threadContacts {
            try db.exec("""
                INSERT INTO thread_contacts(thread_id, contact_id, address, rule) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, t.map { $0 })
        }
        for t in threads.reversed() {
            try db.exec("UPDATE threads SET class = ?, proposed_class = ? WHERE id = ?", [t[1], t[2], t[0]])
        }
    }
}
