/// What the contacts commands change, decided without the store: the emails of a merged contact, whether an
/// address can be added, and how a participant's link follows from the contacts after an edit.
public enum ContactEdit {
    /// `contact_emails.issue` of an address the same contact already holds.
    public static let repeated = "repeated"
    /// `participants.rule` of a link the load made to a contact created from sent mail.
    public static let createdRule = "created-from-sent"

    /// The email for an address given on the command line; nil when it is not an address.
    public static func email(_ raw: String) -> ContactEmail? {
        let e = ContactsCSV.contactEmail(raw.trimmingASCIISpaces())
        return e.key == nil ? nil : e
    }

    /// The kept contact's emails after `merged` are merged into it: its own, then each merged contact's in order.
    /// An email kept without a key because one of the contacts involved holds it (`held-by:` one of them) becomes
    /// `repeated`: the merged contact now holds it under the kept one. Keys stay where they were (each is unique in
    /// the store), so no address changes hands but to the kept contact.
    public static func mergedEmails(kept: Contact, merged: [Contact]) -> [ContactEmail] {
        let involved = Set([kept.id] + merged.map(\.id))
        return ([kept] + merged).flatMap(\.emails).map { e in
            guard let issue = e.issue, issue.hasPrefix(ContactOverlay.heldByPrefix),
                  involved.contains(String(issue.dropFirst(ContactOverlay.heldByPrefix.count))) else { return e }
            var e = e
            e.issue = repeated
            return e
        }
    }

    /// A participant's link after the contacts changed (`lookup`: what the contacts now say about its address).
    /// - A contact found: linked to it with the rule found; a link the load made to that same contact from sent
    ///   mail keeps its rule.
    /// - None or several: a link to one of `edited` (the contacts whose addresses changed) is removed, since that
    ///   contact no longer holds the address; any other link stays (an edit never unlinks what it does not touch).
    public static func relinked(contactId: String?, rule: String?, lookup: ContactLookup,
                                edited: Set<String>) -> (contactId: String?, rule: String?) {
        switch lookup {
        case .match(let c, let r):
            if contactId == c, rule == createdRule { return (c, rule) }
            return (c, r.rawValue)
        case .none, .ambiguous:
            if let contactId, edited.contains(contactId) { return (nil, nil) }
            return (contactId, rule)
        }
    }

    /// A thread's class once its links changed: `matched` when a participant is linked, else `unmatched`. An
    /// internal thread keeps its class (it is never linked).
    public static func threadClass(current: String, visibility: String, linked: Bool) -> String {
        guard visibility == "customer", current != "internal-only" else { return current }
        return linked ? "matched" : "unmatched"
    }
}
