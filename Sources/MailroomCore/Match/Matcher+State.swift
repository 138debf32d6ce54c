extension Matcher {
    /// What the matcher keeps about one thread (40 bytes and its arrays): numbers and string ids, never strings.
    /// Its messages are found by their thread number when the record is made.
    struct ThreadState: Sendable {
        /// The earliest message so far (by `isOlder`), -1 before the first, and its subject's string id.
        var earliest: Int32 = -1
        var subject: Int32 = -1
        var sent: Int32 = 0
        var received: Int32 = 0
        /// One entry per participant address key: `externalBit` for the external set (kept apart, as a
        /// participant appears in both), the canonical key id << 32, and the id of the smallest spelling seen
        /// (so the result ignores arrival order).
        var people: [UInt64] = []
        /// One per contact id and address key, with the smallest spelling of the address.
        var contacts: [ContactLink] = []
        /// Mailboxes by spelling: bit `i` for the `i`-th of the first 64 spellings seen (`Matcher.mailboxBits`),
        /// the others in `Matcher.otherMailboxes`.
        var mailboxMask: UInt64 = 0
    }

    struct ContactLink: Sendable {
        var contactId: Int32
        /// Canonical id of the address key.
        var key: Int32
        var address: Int32
        var rule: MatchRule
    }

    static let externalBit: UInt64 = 1 << 63

    mutating func addMessage(_ m: Int32, to t: Int, subject: String, direction: Direction) {
        let e = threads[t].earliest
        if e < 0 || isOlder(m, than: e) {
            threads[t].earliest = m
            threads[t].subject = strings.intern(subject)
        }
        switch direction {
        case .sent: threads[t].sent += 1
        case .received: threads[t].received += 1
        }
    }

    mutating func addMailbox(_ box: String, to t: Int) {
        let id = strings.intern(box)
        let bit = mailboxBit(id)
        if let bit, threads[t].mailboxMask & (1 << bit) != 0 { return }
        for have in mailboxes(of: t) where strings.equal(have, id) { return }
        if let bit {
            threads[t].mailboxMask |= 1 << bit
        } else {
            otherMailboxes[Int32(t), default: []].append(id)
        }
    }

    /// The bit of a mailbox spelling, given to the first 64 spellings seen.
    private mutating func mailboxBit(_ id: Int32) -> Int? {
        if let i = mailboxBits.firstIndex(of: id) { return i }
        guard mailboxBits.count < 64 else { return nil }
        mailboxBits.append(id)
        return mailboxBits.count - 1
    }

    /// String ids of the thread's mailboxes.
    func mailboxes(of t: Int) -> [Int32] {
        var out = otherMailboxes[Int32(t)] ?? []
        var mask = threads[t].mailboxMask
        while mask != 0 {
            out.append(mailboxBits[mask.trailingZeroBitCount])
            mask &= mask - 1
        }
        return out
    }

    /// The canonical id of a string, interning it.
    mutating func canonicalId(_ s: String) -> Int32 {
        strings.internCanonical(s)
    }

    /// `key`: the canonical id of the address key; `address`: the id of its spelling.
    mutating func addParticipant(key keyId: Int32, address: Int32, isInternal: Bool, to t: Int) {
        let key = UInt64(UInt32(keyId)) << 32
        keepSmallest(key, address, to: t)
        if !isInternal { keepSmallest(key | Self.externalBit, address, to: t) }
    }

    /// Up to this many participants a thread's `people` is scanned; from then on it is indexed
    /// (`largeThreadPeople`), so a thread with thousands of participants does not cost their square.
    static let peopleScanLimit = 32

    /// Keeps the smallest spelling per key, the first seen among equal ones.
    private mutating func keepSmallest(_ key: UInt64, _ address: Int32, to t: Int) {
        let entry = key | UInt64(UInt32(address))
        let found = largeThreadPeople[t].map { $0[key] } ?? threads[t].people.firstIndex { $0 & ~0xFFFF_FFFF == key }
        if let i = found {
            if strings.compare(Int32(truncatingIfNeeded: threads[t].people[i]), address) > 0 { threads[t].people[i] = entry }
            return
        }
        threads[t].people.append(entry)
        let n = threads[t].people.count
        if largeThreadPeople[t] != nil {
            largeThreadPeople[t]![key] = n - 1
        } else if n == Self.peopleScanLimit {
            largeThreadPeople[t] = Dictionary(uniqueKeysWithValues: threads[t].people.enumerated().map { ($1 & ~0xFFFF_FFFF, $0) })
        }
    }

    /// `key`: the canonical id of the address key; `address`: the id of its spelling.
    mutating func addContact(_ contactId: String, key: Int32, address: Int32, rule: MatchRule, to t: Int) {
        let link = ContactLink(contactId: strings.intern(contactId), key: key, address: address, rule: rule)
        for (i, c) in threads[t].contacts.enumerated()
        where c.key == link.key && strings.equal(c.contactId, link.contactId) {
            if strings.compare(c.address, link.address) > 0 { threads[t].contacts[i] = link }
            return
        }
        threads[t].contacts.append(link)
    }

    /// The thread's record, from its state and its messages (in `add` order).
    func record(_ t: Int, threadId: String, messages: ArraySlice<Int32>) -> ThreadRecord {
        let s = threads[t]
        // The sorts' closures use the tables alone: a closure that names `self` copies the whole matcher (a
        // retain and a release of each of its tables) at every comparison.
        let (strings, messageDate, dates, messageKeys) = (self.strings, self.messageDate, self.dates, self.messageKeys)
        let ordered = messages.sorted { Self.isOlder($0, than: $1, messageDate: messageDate, dates: dates, messageKeys: messageKeys) }
        var first: Int64?
        var last: Int64?
        for m in messages where messageDate[Int(m)] != DateTable.none {
            let d = messageDate[Int(m)]
            if first.map({ dates.compare(d, $0) < 0 }) ?? true { first = d }
            if last.map({ dates.compare($0, d) < 0 }) ?? true { last = d }
        }
        var participants: [Int32] = []
        var external: [Int32] = []
        for p in s.people {
            if p & Self.externalBit != 0 {
                external.append(Int32(truncatingIfNeeded: p))
            } else {
                participants.append(Int32(truncatingIfNeeded: p))
            }
        }
        let classification: ThreadClass = external.isEmpty ? .internalOnly
            : (s.contacts.isEmpty ? .unmatched : .matched)
        let linked = s.contacts.sorted { a, b in
            let c = strings.compare(a.contactId, b.contactId)
            return c != 0 ? c < 0 : strings.less(a.address, b.address)
        }
        return ThreadRecord(threadId: threadId, classification: classification, subject: s.subject < 0 ? "" : strings.string(s.subject),
                            messageKeys: ordered.map { messageKeys.string($0) },
                            firstDate: first.flatMap(dates.string), lastDate: last.flatMap(dates.string),
                            sent: Int(s.sent), received: Int(s.received), participants: Self.sortedStrings(participants, strings),
                            external: Self.sortedStrings(external, strings),
                            contacts: linked.map {
                                ThreadContact(contactId: strings.string($0.contactId),
                                              address: strings.string($0.address), rule: $0.rule)
                            },
                            mailboxes: Self.sortedStrings(mailboxes(of: t), strings),
                            subjectJoins: (joinedBySubject[Int32(t)] ?? []).map { messageKeys.string($0) }.sorted())
    }

    private static func sortedStrings(_ ids: [Int32], _ strings: StringTable) -> [String] {
        ids.sorted { strings.less($0, $1) }.map { strings.string($0) }
    }

    /// `isOlder` for two messages added.
    func isOlder(_ a: Int32, than b: Int32) -> Bool {
        Self.isOlder(a, than: b, messageDate: messageDate, dates: dates, messageKeys: messageKeys)
    }

    private static func isOlder(_ a: Int32, than b: Int32, messageDate: [Int64], dates: DateTable,
                                messageKeys: MessageKeyList) -> Bool {
        let da = messageDate[Int(a)]
        let db = messageDate[Int(b)]
        switch (da == DateTable.none, db == DateTable.none) {
        case (false, false):
            let c = dates.compare(da, db)
            return c != 0 ? c < 0 : messageKeys.less(a, b)
        case (false, true): return true
        case (true, false): return false
        case (true, true): return messageKeys.less(a, b)
        }
    }

    /// What the matcher keeps about one external address that no contact holds.
    struct UnmatchedState: Sendable {
        private var address: String?
        private var name: (date: String, name: String)?
        private var messages = 0
        /// Thread numbers.
        private var threads: Set<Int32> = []
        private var sentTo = 0
        private var lastSeen: String?
        private var bulkOnly = true

        /// `a` is read in place (see `Matcher.classify`).
        mutating func add(_ a: UnsafePointer<Address>, thread: Int32, date: String?, sentTo isSentTo: Bool, bulk: Bool) {
            if address.map({ a.pointee.address < $0 }) ?? true { address = a.pointee.address }
            messages += 1
            threads.insert(thread)
            if isSentTo { sentTo += 1 }
            if let date, lastSeen.map({ date > $0 }) ?? true { lastSeen = date }
            if !bulk { bulkOnly = false }
            // The most recent display name; undated messages count as oldest, ties keep the larger name.
            if let n = a.pointee.name {
                let candidate = (date ?? "", n)
                if name.map({ candidate > ($0.date, $0.name) }) ?? true { name = candidate }
            }
        }

        func record() -> UnmatchedAddress {
            UnmatchedAddress(address: address ?? "", name: name?.name, messages: messages, threads: threads.count,
                             sentTo: sentTo, lastSeen: lastSeen, bulkOnly: bulkOnly)
        }
    }
}
