extension Matcher {
    /// What the matcher keeps about one thread: keys, dates, counts and address sets.
    struct ThreadState: Sendable {
        private var messages: [(date: String?, key: String)] = []
        /// Date, key and subject of the earliest message so far.
        private var earliest: (date: String?, key: String, subject: String)?
        private var sent = 0
        private var received = 0
        /// Address key → canonical address (the smallest spelling seen, so the result ignores arrival order).
        private var participants: [String: String] = [:]
        private var external: [String: String] = [:]
        /// "contactId NUL address key" → the link, with the smallest spelling of the address.
        private var contacts: [String: ThreadContact] = [:]
        private var mailboxes: Set<String> = []

        mutating func addMessage(key: String, date: String?, subject: String, direction: Direction,
                                 mailboxes boxes: [String]) {
            messages.append((date, key))
            if earliest.map({ Matcher.isOlder(date, key, than: $0.date, $0.key) }) ?? true {
                earliest = (date, key, subject)
            }
            switch direction {
            case .sent: sent += 1
            case .received: received += 1
            }
            mailboxes.formUnion(boxes)
        }

        mutating func addParticipant(_ a: Address, isInternal: Bool) {
            Matcher.keepSmallest(&participants, a)
            if !isInternal { Matcher.keepSmallest(&external, a) }
        }

        mutating func addContact(_ c: ThreadContact, key: String) {
            let id = c.contactId + "\u{0}" + key
            if let have = contacts[id], have.address <= c.address { return }
            contacts[id] = c
        }

        func record(threadId: String) -> ThreadRecord {
            let ordered = messages.sorted { Matcher.isOlder($0.date, $0.key, than: $1.date, $1.key) }
            let dates = messages.compactMap(\.date)
            let classification: ThreadClass = external.isEmpty ? .internalOnly
                : (contacts.isEmpty ? .unmatched : .matched)
            let linked = contacts.values.sorted { ($0.contactId, $0.address) < ($1.contactId, $1.address) }
            return ThreadRecord(threadId: threadId, classification: classification, subject: earliest?.subject ?? "",
                                messageKeys: ordered.map(\.key), firstDate: dates.min(), lastDate: dates.max(),
                                sent: sent, received: received, participants: participants.values.sorted(),
                                external: external.values.sorted(), contacts: linked, mailboxes: mailboxes.sorted())
        }
    }

    /// What the matcher keeps about one external address that no contact holds.
    struct UnmatchedState: Sendable {
        private var address: String?
        private var name: (date: String, name: String)?
        private var messages = 0
        private var threads: Set<String> = []
        private var sentTo = 0
        private var lastSeen: String?
        private var bulkOnly = true

        mutating func add(_ a: Address, threadId: String, date: String?, sentTo isSentTo: Bool, bulk: Bool) {
            if address.map({ a.address < $0 }) ?? true { address = a.address }
            messages += 1
            threads.insert(threadId)
            if isSentTo { sentTo += 1 }
            if let date, lastSeen.map({ date > $0 }) ?? true { lastSeen = date }
            if !bulk { bulkOnly = false }
            // The most recent display name; undated messages count as oldest, ties keep the larger name.
            if let n = a.name {
                let candidate = (date ?? "", n)
                if name.map({ candidate > ($0.date, $0.name) }) ?? true { name = candidate }
            }
        }

        func record() -> UnmatchedAddress {
            UnmatchedAddress(address: address ?? "", name: name?.name, messages: messages, threads: threads.count,
                             sentTo: sentTo, lastSeen: lastSeen, bulkOnly: bulkOnly)
        }
    }

    /// Dated before undated, earlier date first, then key (the order of `ThreadRecord.messageKeys`).
    static func isOlder(_ d1: String?, _ k1: String, than d2: String?, _ k2: String) -> Bool {
        switch (d1, d2) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return k1 < k2
        }
    }

    static func keepSmallest(_ set: inout [String: String], _ a: Address) {
        if let have = set[a.key], have <= a.address { return }
        set[a.key] = a.address
    }
}
