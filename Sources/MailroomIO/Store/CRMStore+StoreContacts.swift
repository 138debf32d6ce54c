import Crypto
import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// The store's imported contacts (not those created from sent mail), by id, each with its emails as stored in
    /// position order. `line` is 0: they come from the store, not from a file.
    static func importedContacts(_ db: any StoreSQL) throws -> [Contact] {
        var emails: [String: [ContactEmail]] = [:]
        for r in try db.rows("""
            SELECT e.contact_id, e.raw, e.address, e.key, e.folded_key, e.issue FROM contact_emails e
            JOIN contacts c ON c.id = e.contact_id WHERE c.origin = 'import' ORDER BY e.contact_id, e.position
            """, []) {
            emails[r[0] ?? "", default: []].append(ContactEmail(raw: r[1] ?? "", address: r[2], key: r[3],
                                                                foldedKey: r[4], issue: r[5]))
        }
        return try db.rows("SELECT id, name FROM contacts WHERE origin = 'import' ORDER BY id", []).map {
            Contact(id: $0[0] ?? "", name: $0[1] ?? "", emails: emails[$0[0] ?? ""] ?? [], line: 0)
        }
    }

    /// Every contact of the store (imported and created from sent mail), by id, emails in position order.
    static func allContacts(_ db: any StoreSQL) throws -> [Contact] {
        var emails: [String: [ContactEmail]] = [:]
        for r in try db.rows("""
            SELECT contact_id, raw, address, key, folded_key, issue FROM contact_emails ORDER BY contact_id, position
            """, []) {
            emails[r[0] ?? "", default: []].append(ContactEmail(raw: r[1] ?? "", address: r[2], key: r[3],
                                                                foldedKey: r[4], issue: r[5]))
        }
        return try db.rows("SELECT id, name FROM contacts ORDER BY id", []).map {
            Contact(id: $0[0] ?? "", name: $0[1] ?? "", emails: emails[$0[0] ?? ""] ?? [], line: 0)
        }
    }

    /// The imported contacts of the pipeline's store, read without writing anything (no migration, no lock: a
    /// dry run writes nothing); nil when there is no store yet (no SQLite file, or a PostgreSQL database without
    /// Mailroom's schema): match then reads the contacts file alone. A file that is not a Mailroom store is refused
    /// as when opened. A PostgreSQL store that cannot be reached (host, port, TLS or login: exit 10–13) is given to
    /// `unreachable` and read as no store: a dry run reports without a database (a load connects before its first
    /// stage, so it fails there instead, with that error).
    public static func storedContacts(for pipeline: LoadedPipeline,
                                      unreachable: (MailroomError) -> Void = { _ in }) throws -> StoredContacts? {
        if isPostgres(pipeline) {
            let c: PGConnection
            do {
                c = try PGConnection.open(for: pipeline)
            } catch let e as MailroomError where [.host, .port, .tls, .auth].contains(e.status) {
                unreachable(e)
                return nil
            }
            defer { c.close() }
            try c.execute("SET client_min_messages = warning")
            guard try !PGSchema.applied(c).isEmpty else { return nil }
            return try c.transaction { c in
                try c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                let v6 = try c.execute("SELECT to_regclass('contact_merges') IS NOT NULL").scalar == "t"
                return try storedContacts(c, v6: v6)
            }
        }
        let path = try path(for: pipeline)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try CRMStore.openForReading(path: path)
        return try store.read("read the store's contacts") { db -> StoredContacts? in
            guard try db.tableExists("contacts") else { return nil }
            return try storedContacts(db, v6: try db.tableExists("contact_merges"))
        }
    }

    /// `storedContacts(for:)` over either store; `v6`: the store has `contacts.file_row` and `contact_merges`.
    static func storedContacts(_ db: any StoreSQL, v6: Bool) throws -> StoredContacts {
        // Row by row (`eachRow`): a CRM's contacts are not held twice more as SQLite rows and rows of text while
        // they are read. (The rerun's memory at 100k, 98.5-109.8 MiB with the 20,000 benchmark contacts, fell to
        // 90.8-93.9 MiB by `ContactEmail` sharing equal strings; reading row by row alone did not move it.)
        var emails: [String: [ContactEmail]] = [:]
        try db.eachRow("""
            SELECT e.contact_id, e.raw, e.address, e.key, e.folded_key, e.issue FROM contact_emails e
            JOIN contacts c ON c.id = e.contact_id WHERE c.origin = 'import' ORDER BY e.contact_id, e.position
            """, []) { r in
            emails[r[0] ?? "", default: []].append(ContactEmail(raw: r[1] ?? "", address: r[2], key: r[3],
                                                                foldedKey: r[4], issue: r[5]))
        }
        var contacts: [Contact] = []
        try db.eachRow("SELECT id, name FROM contacts WHERE origin = 'import' ORDER BY id", []) { r in
            let id = r[0] ?? ""
            contacts.append(Contact(id: id, name: r[1] ?? "", emails: emails.removeValue(forKey: id) ?? [], line: 0))
        }
        var fileRows: [String: String] = [:]
        var merged: Set<String> = []
        if v6 {
            try db.eachRow("SELECT id, file_row FROM contacts WHERE file_row IS NOT NULL", []) { r in
                fileRows[r[0] ?? ""] = r[1] ?? ""
            }
            try db.eachRow("SELECT merged FROM contact_merges WHERE undone_run IS NULL", []) { r in
                for v in (try? JSONParser.parse(Array((r[0] ?? "[]").utf8)))?.arrayValue ?? [] {
                    if let s = v.stringValue { merged.insert(s) }
                }
            }
        }
        var extra = fileRows.keys.sorted().map { [$0, fileRows[$0]!] } + merged.sorted().map { [$0] }
        extra.append([])
        return StoredContacts(contacts: contacts, fileRows: fileRows, mergedAway: merged,
                              fingerprint: fingerprint(contacts, extra.map { $0.joined(separator: "\u{1F}") }))
    }

    /// What match needs of the store's contacts.
    public struct StoredContacts: Sendable {
        public var contacts: [Contact]
        /// `contacts.file_row` by id, where set.
        public var fileRows: [String: String]
        /// Ids a standing merge deleted.
        public var mergedAway: Set<String>
        /// Changes when any of the above does.
        public var fingerprint: String
    }

    /// `sha256:` of the contacts as NDJSON lines: whether the store's contacts changed since a stage read them.
    public static func fingerprint(_ contacts: [Contact], _ extra: [String] = []) -> String {
        var h = SHA256()
        for e in extra { h.update(data: Array(e.utf8) + [0x0A]) }
        for c in contacts {
            var w = JSONWriter()
            c.writeJSON(&w)
            h.update(data: w.bytes)
            h.update(data: [0x0A])
        }
        return "sha256:" + NDJSONReader.hex(h.finalize())
    }
}
