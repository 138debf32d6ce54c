/// What relinking one thread changes: only the rows that differ from the store.
public struct ThreadRelink: Sendable {
    public struct ParticipantChange: Sendable {
        public var messageKey: String
        public var before: StoredParticipant
        public var after: StoredParticipant
    }

    public struct DirectionChange: Sendable {
        public var messageKey: String
        public var subject: String
        public var date: String?
        public var after: String
    }

    public var threadId: String
    public var subject: String
    public var visibilityBefore: String
    public var classBefore: String
    /// The thread's row after the relink (equal to before when nothing changes).
    public var visibility: String
    public var classification: String
    public var proposedClass: String
    /// The thread would become visible on contacts (internal → customer) but `allowVisibilityChange` was not
    /// given: it stays internal, unlinked, with `proposedClass` recording what it would be.
    public var heldInternal: Bool
    public var participants: [ParticipantChange] = []
    public var directions: [DirectionChange] = []
    public var contactsAdded: [StoredThreadContact] = []
    public var contactsRemoved: [StoredThreadContact] = []
    /// Messages joined by subject that share no external participant with the rest of the thread any more.
    public var subjectJoinsToCheck = 0

    public var threadRowChanged: Bool {
        visibility != visibilityBefore || classification != classBefore || proposedClass != proposedBefore
    }
    var proposedBefore: String

    public var changesAnything: Bool {
        threadRowChanged || !participants.isEmpty || !directions.isEmpty || !contactsAdded.isEmpty
            || !contactsRemoved.isEmpty
    }
}

extension RelinkRules {
    static let recipientRoles: Set<String> = ["to", "cc", "bcc"]
    static let createdRule = "created-from-sent"

    /// Recomputes a stored thread as a fresh load of the same mail would store it now: each message's direction,
    /// each participant's `is_internal` and link, the thread's class and visibility, and its `thread_contacts`.
    /// A thread stored internal whose new class is not `internal-only` becomes customer-visible only with
    /// `allowVisibilityChange`; otherwise it stays internal and unlinked (`heldInternal`).
    public func relink(_ t: StoredThread, allowVisibilityChange: Bool) -> ThreadRelink {
        // Directions first: created-from-sent links follow the sent messages.
        var sent: [Bool] = []
        sent.reserveCapacity(t.messages.count)
        var external = false
        var matched = false
        var decided: [[(address: Address, inside: Bool, lookup: ContactLookup)]] = []
        decided.reserveCapacity(t.messages.count)
        for m in t.messages {
            var authors: [Address] = []
            var rows: [(address: Address, inside: Bool, lookup: ContactLookup)] = []
            rows.reserveCapacity(m.participants.count)
            for p in m.participants {
                let a = Self.address(p.address)
                if p.role == "from" { authors.append(a) }
                let inside = insiders.contains(a)
                let lookup = inside ? ContactLookup.none : contacts.lookup(a)
                if !inside { external = true }
                if case .match = lookup { matched = true }
                rows.append((a, inside, lookup))
            }
            if authors.isEmpty {
                for (i, p) in m.participants.enumerated() where p.role == "sender" { authors.append(rows[i].address) }
            }
            sent.append(isSent(authors: authors, mailboxes: m.mailboxes))
            decided.append(rows)
        }
        let newClass = !external ? "internal-only" : (matched ? "matched" : "unmatched")
        var r = ThreadRelink(threadId: t.id, subject: t.subject, visibilityBefore: t.visibility,
                             classBefore: t.classification, visibility: t.visibility, classification: newClass,
                             proposedClass: newClass, heldInternal: false, proposedBefore: t.proposedClass)
        if newClass == "internal-only" {
            r.visibility = "internal"
        } else if t.visibility == "internal" && !allowVisibilityChange {
            r.heldInternal = true
            r.classification = "internal-only"
        } else {
            r.visibility = "customer"
        }
        let linking = r.visibility == "customer"

        // Participant rows, and the thread's contacts as the load writes them: one per contact and address key
        // with the smallest spelling (match's `ThreadContact`), plus one per spelling for created-from-sent links.
        var byContactKey: [String: StoredThreadContact] = [:]
        var createdRows: Set<StoredThreadContact> = []
        for (mi, m) in t.messages.enumerated() {
            let direction = sent[mi] ? "sent" : "received"
            if direction != m.direction {
                r.directions.append(.init(messageKey: m.key, subject: m.subject, date: m.date, after: direction))
            }
            for (pi, p) in m.participants.enumerated() {
                let (a, inside, lookup) = decided[mi][pi]
                var after = StoredParticipant(role: p.role, address: p.address, isInternal: inside, contactId: nil,
                                              rule: nil)
                if linking && !inside {
                    switch lookup {
                    case .match(let id, let rule):
                        after.contactId = id
                        after.rule = rule.rawValue
                        let k = id + "\u{0}" + a.key
                        if let have = byContactKey[k], have.address <= p.address { break }
                        byContactKey[k] = StoredThreadContact(contactId: id, address: p.address, rule: rule.rawValue)
                    case .ambiguous:
                        break
                    case .none:
                        if createContacts, sent[mi], Self.recipientRoles.contains(p.role),
                           let id = createdContact(for: a) {
                            after.contactId = id
                            after.rule = Self.createdRule
                            createdRows.insert(StoredThreadContact(contactId: id, address: p.address,
                                                                   rule: Self.createdRule))
                        }
                    }
                }
                if after != p { r.participants.append(.init(messageKey: m.key, before: p, after: after)) }
            }
        }
        var wanted = Set(byContactKey.values)
        // A created-from-sent row never replaces a matched one of the same (contact, address).
        for c in createdRows where !wanted.contains(where: { $0.contactId == c.contactId && $0.address == c.address }) {
            wanted.insert(c)
        }
        for (mi, m) in t.messages.enumerated() where m.joinedBySubject {
            let mine = Set(decided[mi].filter { !$0.inside }.map(\.address.key))
            var shares = false
            for (oi, _) in t.messages.enumerated() where oi != mi && !shares {
                shares = decided[oi].contains { !$0.inside && mine.contains($0.address.key) }
            }
            if !shares { r.subjectJoinsToCheck += 1 }
        }
        let have = Set(t.contacts)
        r.contactsAdded = wanted.subtracting(have).sorted()
        r.contactsRemoved = have.subtracting(wanted).sorted()
        return r
    }
}
