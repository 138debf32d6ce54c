/// The store's contacts with a contacts file imported onto them, in memory: what match links against once there is
/// a store, without writing it (a dry run writes nothing). The rules are those of the store's import
/// (`CRMStore.upsertContacts`), so a load that imports the file afterwards leaves the same contacts:
///
/// - a contact of the file replaces the store's contact of the same id (name and emails), or is added, unless
///   the row is the one last imported into it (a contacts command may have changed the contact since) or a merge
///   deleted the contact (`skipsImport`);
///   contacts of the store that the file does not name are kept as they are (a missing row never deletes);
/// - an email whose match key another contact already holds is kept without a key, its issue `held-by:<id>`
///   (never matched twice); one the same contact repeats is kept with the issue `repeated`;
/// - contacts created from sent mail are not part of `store`: the load links them itself, and an imported contact
///   takes over their addresses.
///
/// Output: the file's contacts in file order (their `line`), then the store's other contacts in `store` order
/// with `line` 0, which marks a contact the load does not import (it is in the store already).
public enum ContactOverlay {
    /// `store`: the store's imported contacts, emails as stored. `imports`: the file's contacts as parsed.
    /// `fileRows`: each stored contact's `contacts.file_row`; `mergedAway`: ids a standing merge deleted. A row
    /// `skipsImport` leaves out is not imported (the store's contact, edited by a contacts command, stays).
    public static func apply(store: [Contact], imports all: [Contact], fileRows: [String: String] = [:],
                             mergedAway: Set<String> = []) -> [Contact] {
        let imports = all.filter { !skipsImport($0, fileRows: fileRows, mergedAway: mergedAway) }
        var byId: [String: Int] = [:]
        byId.reserveCapacity(store.count + imports.count)  // the tables sized once, not doubled as they fill
        var current = store.map { c -> Contact in
            var c = c
            c.line = 0
            return c
        }
        for (i, c) in current.enumerated() { byId[c.id] = i }
        var holder: [String: String] = [:]  // match key → contact id
        holder.reserveCapacity(store.count + imports.count)
        for c in current {
            for e in c.emails { if let k = e.key { holder[k] = c.id } }
        }
        var fromFile: [Contact] = []
        var seen: Set<String> = []
        seen.reserveCapacity(imports.count)
        for c0 in imports {
            let c = StoreText.normalized(c0)
            if let i = byId[c.id], i >= 0 {
                for e in current[i].emails { if let k = e.key, holder[k] == c.id { holder[k] = nil } }
            }
            var emails: [ContactEmail] = []
            for var e in c.emails {
                if let k = e.key {
                    if let h = holder[k] {
                        e.key = nil
                        e.foldedKey = nil
                        e.issue = h == c.id ? "repeated" : heldByPrefix + h
                    } else {
                        holder[k] = c.id
                    }
                }
                emails.append(e)
            }
            let merged = Contact(id: c.id, name: c.name, emails: emails, line: c.line)
            if let i = byId[c.id], i >= 0 { current[i] = merged } else { byId[c.id] = -1 }
            if seen.insert(c.id).inserted { fromFile.append(merged) }
        }
        let fileIds = Set(fromFile.map(\.id))
        return fromFile + current.filter { !fileIds.contains($0.id) }
    }

    /// The contacts file's row as the store remembers it (`contacts.file_row`): name and emails as written.
    public static func fileRow(_ c: Contact) -> String {
        let n = StoreText.normalized(c)
        return ([n.name] + n.emails.map(\.raw)).joined(separator: "\u{1F}")
    }

    /// Whether importing the row leaves the store's contact as it is: the row is the one last imported into it
    /// (`fileRows`), so whatever a contacts command changed since stays; or a merge that stands deleted the
    /// contact (its addresses live on the kept one; `contacts unmerge` brings it back). A row that changed is
    /// imported: the file's newer word wins.
    public static func skipsImport(_ c: Contact, fileRows: [String: String], mergedAway: Set<String>) -> Bool {
        let id = StoreText.normalized(c.id)
        if mergedAway.contains(id) { return true }
        return fileRows[id] == fileRow(c)
    }

    /// `contact_emails.issue` prefix of an address another contact holds (as `CRMStore.heldByPrefix`).
    public static let heldByPrefix = "held-by:"

    /// The contacts with every email's key as its written address gives it, whether or not another contact holds
    /// it: what duplicate groups are found on (two contacts sharing an address are the clearest duplicates).
    public static func writtenKeys(_ contacts: [Contact]) -> [Contact] {
        contacts.map { c in
            var c = c
            c.emails = c.emails.map { e in
                guard e.key == nil, e.issue?.hasPrefix(heldByPrefix) == true else { return e }
                return ContactsCSV.contactEmail(e.raw)
            }
            return c
        }
    }

    /// The contact as its file row was parsed (each email normalized again from its written form): what a load
    /// imports, so that the store's own import rules decide against the store as it is then.
    public static func asImported(_ c: Contact) -> Contact {
        Contact(id: c.id, name: c.name, emails: c.emails.map { ContactsCSV.contactEmail($0.raw) }, line: c.line)
    }
}

extension StoreText {
    /// The contact with every text as the store keeps it (a NUL becomes U+FFFD).
    public static func normalized(_ c: Contact) -> Contact {
        let n = normalized as (String) -> String
        return Contact(id: n(c.id), name: n(c.name), emails: c.emails.map {
            ContactEmail(raw: n($0.raw), address: $0.address.map(n), key: $0.key.map(n),
                         foldedKey: $0.foldedKey.map(n), issue: $0.issue.map(n))
        }, line: c.line)
    }
}
