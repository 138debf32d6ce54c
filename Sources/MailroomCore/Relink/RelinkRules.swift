/// What a relink decides with: the store's contacts, the company's addresses and each mailbox's owners, as the
/// pipeline file says them now. The same rules as the match stage (`ContactIndex`, `InternalAddresses`) and the
/// load (`LoadState`), applied to what the store holds instead of to a run's files.
///
/// - A participant is internal when `InternalAddresses` says so (its address is a mailbox owner's, or its domain is
///   one of `ownDomains` or below one). Internal participants and participants of internal threads never link.
/// - An external participant links to the contact `ContactIndex` finds over the store's imported contacts, as
///   match does once there is a store (exact key first, then the folded key; an email the store keeps without a
///   key because another contact holds it, `held-by:`, does not count; two contacts equal at the folded level
///   link to neither).
/// - With `createContacts: sent`, a To/Cc/Bcc recipient of a sent message that no imported contact holds keeps (or
///   gets) the link to the contact a load created from sent mail for that address (rule `created-from-sent`).
///   Relink never creates a contact.
/// - A message is sent when one of its authors (From, else Sender) is an owner of one of the mailboxes holding a
///   copy of it.
public struct RelinkRules: Sendable {
    public let insiders: InternalAddresses
    public let contacts: ContactIndex
    /// Contacts a load created from sent mail: address key and folded key → contact id.
    private let created: [String: String]
    /// Owner address keys per mailbox name.
    private let owners: [String: Set<String>]
    public let createContacts: Bool

    /// - Parameters:
    ///   - contacts: the store's imported contacts (`origin = import`), each email with its key as stored.
    ///   - createdContacts: the contacts a load created from sent mail.
    ///   - owners: owner address keys per mailbox.
    public init(ownDomains: [String], owners: [String: Set<String>], contacts: [Contact], createdContacts: [Contact],
                createContacts: Bool) {
        var all: Set<String> = []
        for keys in owners.values { all.formUnion(keys) }
        insiders = InternalAddresses(ownDomains: ownDomains, owner: all)
        self.contacts = ContactIndex(contacts: contacts)
        var created: [String: String] = [:]
        for c in createdContacts.sorted(by: { $0.id < $1.id }) {
            for e in c.emails {
                if let k = e.key, created[k] == nil { created[k] = c.id }
                if let f = e.foldedKey, created[f] == nil { created[f] = c.id }
            }
        }
        self.created = created
        self.owners = owners
        self.createContacts = createContacts
    }

    /// The address a participant row names, as match read it (the row keeps the canonical spelling).
    public static func address(_ stored: String) -> Address {
        if let a = AddressNormalizer.parse(stored) { return a }
        let at = stored.lastIndex(of: "@")
        let local = at.map { String(stored[..<$0]) } ?? stored
        let domain = at.map { String(stored[stored.index(after: $0)...]).lowercased() } ?? ""
        return Address(address: stored, key: local.lowercased() + (at == nil ? "" : "@" + domain), local: local,
                       domain: domain, domainUnicode: domain, name: nil)
    }

    /// Whether one of `authors` owns one of `mailboxes`.
    public func isSent(authors: [Address], mailboxes: [String]) -> Bool {
        for m in mailboxes {
            guard let keys = owners[m] else { continue }
            if authors.contains(where: { keys.contains($0.key) }) { return true }
        }
        return false
    }

    /// The contact a load created from sent mail for `a`, when there is one (by key, then folded key).
    public func createdContact(for a: Address) -> String? {
        created[a.key] ?? created[AddressNormalizer.foldedKey(a)]
    }
}
