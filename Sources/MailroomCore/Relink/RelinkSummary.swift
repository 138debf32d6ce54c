/// What a relink changes (or, in a dry run, would change), gathered thread by thread: links added and removed
/// per contact, threads changing class or visibility, messages changing direction, each with a few examples.
public struct RelinkSummary: Sendable {
    /// How many examples are kept per contact, per class change and per direction change.
    public static let examplesKept = 3
    /// How many threads held internal (or changing visibility) are listed by name.
    public static let threadsListed = 50

    public struct LinkExample: Sendable {
        public var messageKey: String
        public var subject: String
        public var date: String?
        public var role: String
        public var address: String
    }

    public struct ContactChange: Sendable {
        public var contactId: String
        public var added = 0
        public var removed = 0
        public var examplesAdded: [LinkExample] = []
        public var examplesRemoved: [LinkExample] = []
    }

    public struct ThreadExample: Sendable {
        public var threadId: String
        public var subject: String
        public var before: String
        public var after: String
    }

    public struct MessageExample: Sendable {
        public var messageKey: String
        public var subject: String
        public var date: String?
    }

    public var dryRun: Bool
    public var allowVisibilityChange: Bool
    /// The run log id of an applied relink.
    public var runId: String?
    public var threads = 0
    public var messages = 0
    public var participants = 0
    public var contacts: [String: ContactChange] = [:]
    /// Contact id → name, for the text.
    public var contactNames: [String: String] = [:]
    public var rulesChanged = 0
    public var internalChanged = 0
    /// `"unmatched → matched"` → count, and examples.
    public var classChanges: [String: Int] = [:]
    public var classExamples: [String: [ThreadExample]] = [:]
    /// Threads turning internal (customer → internal).
    public var madeInternal = 0
    public var madeInternalListed: [ThreadExample] = []
    /// Threads turning customer-visible (internal → customer): applied only with `allowVisibilityChange`.
    public var madeVisible = 0
    public var madeVisibleListed: [ThreadExample] = []
    /// Threads that would turn customer-visible, left internal because the flag was not given.
    public var heldInternal = 0
    public var heldInternalListed: [ThreadExample] = []
    public var toSent = 0
    public var toReceived = 0
    public var directionExamples: [String: [MessageExample]] = [:]
    public var threadContactsAdded = 0
    public var threadContactsRemoved = 0
    /// Messages placed in their thread by subject that share no external participant with it any more (an
    /// address became internal): a fresh run would thread them apart. Relink does not rethread.
    public var subjectJoinsToCheck = 0

    public init(dryRun: Bool, allowVisibilityChange: Bool) {
        self.dryRun = dryRun
        self.allowVisibilityChange = allowVisibilityChange
    }

    public var linksAdded: Int { contacts.values.reduce(0) { $0 + $1.added } }
    public var linksRemoved: Int { contacts.values.reduce(0) { $0 + $1.removed } }
    public var classChanged: Int { classChanges.values.reduce(0, +) }

    /// Whether the relink changes any row.
    public var changesAnything: Bool {
        linksAdded + linksRemoved + rulesChanged + internalChanged + classChanged + madeInternal + madeVisible
            + toSent + toReceived + threadContactsAdded + threadContactsRemoved > 0 || heldChangesRow
    }
    /// A held thread's `proposed_class` changes.
    public var heldChangesRow = false

    public mutating func add(_ t: StoredThread, _ r: ThreadRelink) {
        threads += 1
        messages += t.messages.count
        for m in t.messages { participants += m.participants.count }
        let subject = t.subject
        var byKey: [String: Int] = [:]
        if !r.participants.isEmpty {
            for (i, m) in t.messages.enumerated() where byKey[m.key] == nil { byKey[m.key] = i }
        }
        for p in r.participants {
            let m = byKey[p.messageKey].map { t.messages[$0] }
            let example = LinkExample(messageKey: p.messageKey, subject: m?.subject ?? subject, date: m?.date,
                                      role: p.after.role, address: p.after.address)
            if p.before.contactId != p.after.contactId {
                if let id = p.before.contactId {
                    contacts[id, default: ContactChange(contactId: id)].removed += 1
                    if contacts[id]!.examplesRemoved.count < Self.examplesKept { contacts[id]!.examplesRemoved.append(example) }
                }
                if let id = p.after.contactId {
                    contacts[id, default: ContactChange(contactId: id)].added += 1
                    if contacts[id]!.examplesAdded.count < Self.examplesKept { contacts[id]!.examplesAdded.append(example) }
                }
            } else if p.before.rule != p.after.rule {
                rulesChanged += 1
            }
            if p.before.isInternal != p.after.isInternal { internalChanged += 1 }
        }
        let shownBefore = r.classBefore
        let shownAfter = r.heldInternal ? r.proposedClass : r.classification
        let example = ThreadExample(threadId: t.id, subject: subject, before: shownBefore, after: shownAfter)
        if r.heldInternal {
            heldInternal += 1
            if heldInternalListed.count < Self.threadsListed { heldInternalListed.append(example) }
            if r.threadRowChanged { heldChangesRow = true }
        } else if shownBefore != shownAfter {
            let k = shownBefore + " → " + shownAfter
            classChanges[k, default: 0] += 1
            if classExamples[k, default: []].count < Self.examplesKept { classExamples[k, default: []].append(example) }
        } else if r.threadRowChanged {
            heldChangesRow = true  // proposed_class catches up with the class
        }
        if r.visibilityBefore == "customer" && r.visibility == "internal" {
            madeInternal += 1
            if madeInternalListed.count < Self.threadsListed { madeInternalListed.append(example) }
        } else if r.visibilityBefore == "internal" && r.visibility == "customer" {
            madeVisible += 1
            if madeVisibleListed.count < Self.threadsListed { madeVisibleListed.append(example) }
        }
        for d in r.directions {
            if d.after == "sent" { toSent += 1 } else { toReceived += 1 }
            let k = d.after == "sent" ? "received → sent" : "sent → received"
            if directionExamples[k, default: []].count < Self.examplesKept {
                directionExamples[k, default: []].append(MessageExample(messageKey: d.messageKey, subject: d.subject, date: d.date))
            }
        }
        subjectJoinsToCheck += r.subjectJoinsToCheck
        threadContactsAdded += r.contactsAdded.count
        threadContactsRemoved += r.contactsRemoved.count
    }

    /// Contacts with changes, most changed first, then by id.
    public var changedContacts: [ContactChange] {
        contacts.values.sorted { a, b in
            let x = a.added + a.removed
            let y = b.added + b.removed
            return x != y ? x > y : a.contactId < b.contactId
        }
    }
}
