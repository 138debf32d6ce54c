import Crypto
import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// The store's imported contacts (not those created from sent mail), by id, each with its emails as stored in
    /// position order. `line` is 0: they come from the store, not from a file.
    static func importedContacts(_ db: Database) throws -> [Contact] {
        var emails: [String: [ContactEmail]] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT e.contact_id, e.raw, e.address, e.key, e.folded_key, e.issue FROM contact_emails e
            JOIN contacts c ON c.id = e.contact_id WHERE c.origin = 'import' ORDER BY e.contact_id, e.position
            """) {
            emails[r["contact_id"], default: []].append(ContactEmail(raw: r["raw"], address: r["address"],
                                                                     key: r["key"], foldedKey: r["folded_key"],
                                                                     issue: r["issue"]))
        }
        return try Row.fetchAll(db, sql: "SELECT id, name FROM contacts WHERE origin = 'import' ORDER BY id").map {
            Contact(id: $0["id"], name: $0["name"], emails: emails[$0["id"]] ?? [], line: 0)
        }
    }

    /// Every contact of the store (imported and created from sent mail), by id, emails in position order.
    static func allContacts(_ db: Database) throws -> [Contact] {
        var emails: [String: [ContactEmail]] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT contact_id, raw, address, key, folded_key, issue FROM contact_emails ORDER BY contact_id, position
            """) {
            emails[r["contact_id"], default: []].append(ContactEmail(raw: r["raw"], address: r["address"],
                                                                     key: r["key"], foldedKey: r["folded_key"],
                                                                     issue: r["issue"]))
        }
        return try Row.fetchAll(db, sql: "SELECT id, name FROM contacts ORDER BY id").map {
            Contact(id: $0["id"], name: $0["name"], emails: emails[$0["id"]] ?? [], line: 0)
        }
    }

    /// The imported contacts of the pipeline's SQLite store, read without writing anything (no migration, no
    /// lock: a dry run writes nothing); nil when there is no store yet or the store is PostgreSQL (match then reads
    /// the contacts file alone). A file that is not a Mailroom store is refused as when opened.
    public static func storedContacts(for pipeline: LoadedPipeline) throws -> (contacts: [Contact], fingerprint: String)? {
        if isPostgres(pipeline) { return nil }
        let path = try path(for: pipeline)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try CRMStore.openForReading(path: path)
        let contacts = try store.read("read the store's contacts") { db -> [Contact]? in
            guard try db.tableExists("contacts") else { return nil }
            return try importedContacts(db)
        }
        guard let contacts else { return nil }
        return (contacts, fingerprint(contacts))
    }

    /// `sha256:` of the contacts as NDJSON lines: whether the store's contacts changed since a stage read them.
    public static func fingerprint(_ contacts: [Contact]) -> String {
        var h = SHA256()
        for c in contacts {
            var w = JSONWriter()
            c.writeJSON(&w)
            h.update(data: w.bytes)
            h.update(data: [0x0A])
        }
        return "sha256:" + NDJSONReader.hex(h.finalize())
    }
}
