/// The outcome of looking an address up among the saved contacts.
public enum ContactLookup: Sendable, Equatable {
    case none
    case match(contactId: String, rule: MatchRule)
    /// Two or more contacts hold the address at the most exact level that matched (sorted contact ids).
    case ambiguous([String])
}

/// Contacts indexed by their saved emails' matching keys, for linking message participants.
///
/// Levels, most exact first; the first level that finds any contact decides:
/// 1. the address `key` equals a saved email's key: `primary-email` when it is the contact's first usable
///    email, `other-email` otherwise;
/// 2. the provider-folded keys are equal (`+tag`, Gmail dots, googlemail.com): `dot-plus-folding`.
/// When the deciding level finds two or more contacts, the result is `ambiguous`. A participant is only ever
/// linked through an address saved on the contact (no domain or name guessing).
public struct ContactIndex: Sendable {
    private struct Holder: Sendable {
        var contactId: String
        var primary: Bool
    }

    private var byKey: [String: [Holder]] = [:]
    private var byFolded: [String: [String]] = [:]

    public init(contacts: [Contact]) {
        // At least one key per contact, most have one: sized once instead of doubling through the file.
        byKey.reserveCapacity(contacts.count)
        byFolded.reserveCapacity(contacts.count)
        for c in contacts {
            var first = true
            for e in c.emails {
                guard let key = e.key, let folded = e.foldedKey else { continue }
                byKey[key, default: []].append(Holder(contactId: c.id, primary: first))
                byFolded[folded, default: []].append(c.id)
                first = false
            }
        }
    }

    public func lookup(_ a: Address) -> ContactLookup {
        if let holders = byKey[a.key], !holders.isEmpty {
            let ids = Set(holders.map(\.contactId))
            if ids.count > 1 { return .ambiguous(ids.sorted()) }
            let rule: MatchRule = holders.contains(where: \.primary) ? .primaryEmail : .otherEmail
            return .match(contactId: holders[0].contactId, rule: rule)
        }
        if let ids = byFolded[AddressNormalizer.foldedKey(a)].map(Set.init), !ids.isEmpty {
            if ids.count > 1 { return .ambiguous(ids.sorted()) }
            return .match(contactId: ids.first!, rule: .folded)
        }
        return .none
    }
}
