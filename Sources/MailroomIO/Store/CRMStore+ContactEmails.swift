import Foundation
import MailroomCore

extension MailroomStore {
    /// `contacts add-email ID ADDRESS`: the address is saved last on the contact and the messages carrying it are
    /// relinked in the same transaction (participants with that address, or one that folds to it, link as the
    /// contacts now say; thread links and thread classes follow). Refused (`.usage`): an unknown contact, a text
    /// that is not an address, an address the contact or another contact already holds.
    public func addContactEmail(_ id: String, _ address: String, dryRun: Bool) throws -> ContactCommandResult {
        guard let email = ContactEdit.email(address) else {
            throw MailroomError(.usage, "'\(TerminalText.clean(address))' is not an email address")
        }
        let (_, runId, counts, message) = try contactCommand(.contactsAddEmail, dryRun: dryRun) { db, _ in
            let contact = try CRMStore.requireContact(db, id)
            if let holder = try db.value("SELECT contact_id FROM contact_emails WHERE key = ?", [email.key]) {
                throw MailroomError(.usage, holder == id
                    ? "contact \(TerminalText.clean(id)) already has \(TerminalText.clean(email.address ?? address))"
                    : "\(TerminalText.clean(email.address ?? address)) is already held by contact \(TerminalText.clean(holder)): "
                        + "merge the two contacts, or remove it from \(TerminalText.clean(holder)) first")
            }
            try CRMStore.rememberFileRow(db, contact)
            try CRMStore.writeEmails(db, id, contact.emails + [email])
            var relinker = ContactRelinker()
            try relinker.relink(db, keys: CRMStore.matchKeys([email]), edited: [id])
            let c = relinker.counts
            return ((), c.dictionary, "added \(TerminalText.clean(email.address ?? address)) to contact \(TerminalText.clean(id)): "
                    + "\(ContactCommandResult.count(c.linksAdded, "participant link")) added, \(c.linksChanged) changed on "
                    + "\(ContactCommandResult.count(c.messages, "message")); "
                    + "\(ContactCommandResult.count(c.threadsMatched, "thread")) now matched")
        }
        return ContactCommandResult(command: "add-email", store: location, dryRun: dryRun, runId: runId, counts: counts,
                                    message: message)
    }

    /// `contacts remove-email ID ADDRESS`: the saved address (found by match key, or as written when it is not an
    /// address) is removed, the contact's later emails move up one position, and the messages carrying it are
    /// relinked in the same transaction (links to this contact through it are removed, or go where the contacts now
    /// say; thread links and classes follow). Refused (`.usage`): an unknown contact, an address it does not have.
    public func removeContactEmail(_ id: String, _ address: String, dryRun: Bool) throws -> ContactCommandResult {
        let given = address.trimmingCharacters(in: .whitespaces)
        let key = ContactEdit.email(given)?.key
        let (_, runId, counts, message) = try contactCommand(.contactsRemoveEmail, dryRun: dryRun) { db, _ in
            let contact = try CRMStore.requireContact(db, id)
            let index = contact.emails.firstIndex { e in
                if let key { return ContactsCSV.contactEmail(e.raw).key == key }
                return e.raw == given
            }
            guard let index else {
                throw MailroomError(.usage, "contact \(TerminalText.clean(id)) has no email \(TerminalText.clean(given))")
            }
            var emails = contact.emails
            let removed = emails.remove(at: index)
            try CRMStore.rememberFileRow(db, contact)
            try CRMStore.writeEmails(db, id, emails)
            var relinker = ContactRelinker()
            try relinker.relink(db, keys: CRMStore.matchKeys([ContactsCSV.contactEmail(removed.raw)]), edited: [id])
            let c = relinker.counts
            return ((), c.dictionary, "removed \(TerminalText.clean(removed.raw)) from contact \(TerminalText.clean(id)): "
                    + "\(ContactCommandResult.count(c.linksRemoved, "participant link")) removed, \(c.linksChanged) changed on "
                    + "\(ContactCommandResult.count(c.messages, "message")); "
                    + "\(ContactCommandResult.count(c.threadsUnmatched, "thread")) now unmatched")
        }
        return ContactCommandResult(command: "remove-email", store: location, dryRun: dryRun, runId: runId, counts: counts,
                                    message: message)
    }
}
