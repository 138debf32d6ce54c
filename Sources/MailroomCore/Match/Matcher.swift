/// The match stage's decisions: links every participant of every message identity to a contact (or not),
/// classifies threads, and collects the external addresses no contact holds.
///
/// - Internal: the address's domain is one of `ownDomains` (or a subdomain), or the address is a mailbox owner's.
///   Internal addresses are never linked to contacts, even when a contact holds one.
/// - Thread class: `internal-only` when every participant of every message is internal; `matched` when any
///   external participant links to exactly one contact; `unmatched` otherwise. An ambiguous address (held by two
///   or more contacts) is flagged on its links and neither links nor counts as unmatched.
///
/// Messages are streamed through `add` (in dedupe order); the state kept is per thread and per unmatched address
/// (keys, dates, counts), never whole messages. `finish` output does not depend on the order of `add` calls.
///
/// Memory: per message its key (`MessageKeyList`, about 40 bytes), a packed date and a thread number; per thread a
/// `ThreadState` of counts and string ids; every address, contact id, mailbox and subject once in a `StringTable`.
/// Strings are made only when a link or a thread record is.
public struct Matcher: Sendable {
    private let insiders: InternalAddresses
    private let contacts: ContactIndex
    /// Thread id → thread number (an index in `threads`): ids of the form `ThreadIdDigest` packed, others by string.
    private var threadOfDigest: [UInt64: Int32] = [:]
    private var threadOfOtherId: [String: Int32] = [:]
    /// By thread number: the packed id (0 for another id) and, for the others, the id.
    private var threadDigests: [UInt64] = []
    private var otherThreadIds: [Int32: String] = [:]
    var threads: [ThreadState] = []
    /// Addresses, address keys and parts, contact ids, mailboxes and subjects.
    var strings = StringTable()
    var dates = DateTable()
    /// Per message, in `add` order (the message's number): key, date (see `DateTable`) and thread number.
    var messageKeys = MessageKeyList()
    var messageDate: [Int64] = []
    private var messageThread: [Int32] = []
    /// Messages that joined their thread by subject, by thread number (few: see `ThreadBuilder+Subject.swift`).
    var joinedBySubject: [Int32: [Int32]] = [:]
    /// Mailbox spelling of each bit of `ThreadState.mailboxMask`.
    var mailboxBits: [Int32] = []
    /// Mailboxes past the 64 with a bit, by thread number.
    var otherMailboxes: [Int32: [Int32]] = [:]
    /// For threads with many participants only (`Matcher.peopleScanLimit` or more): participant entry key →
    /// index in the thread's `people`, so that adding one stays a look-up instead of a scan.
    var largeThreadPeople: [Int: [UInt64: Int]] = [:]
    /// By canonical id of the address key.
    private var unmatched: [Int32: UnmatchedState] = [:]
    /// See `classify`.
    private var classified: [AddressIdentity: (inside: Bool, lookup: ContactLookup)] = [:]

    /// - Parameters:
    ///   - ownDomains: the company's domains (Unicode or ASCII; compared in lower-case ASCII).
    ///   - owner: `Address.key` of every mailbox owner.
    public init(ownDomains: [String], owner: Set<String>, contacts: ContactIndex) {
        self.init(insiders: InternalAddresses(ownDomains: ownDomains, owner: owner), contacts: contacts)
    }

    /// The same, with the company's addresses as threading already judged them (one `InternalAddresses` a stage).
    public init(insiders: InternalAddresses, contacts: ContactIndex) {
        self.insiders = insiders
        self.contacts = contacts
    }

    /// Room for `messages` messages in `threads` threads without growing, so that no array is held twice while it
    /// is copied to a larger one.
    public mutating func reserveCapacity(messages: Int, threads threadCount: Int) {
        messageKeys.reserveCapacity(messages)
        messageDate.reserveCapacity(messages)
        messageThread.reserveCapacity(messages)
        threads.reserveCapacity(threadCount)
        threadDigests.reserveCapacity(threadCount)
        threadOfDigest.reserveCapacity(threadCount)
    }

    public func isInternal(_ a: Address) -> Bool { insiders.contains(a) }

    /// Links for every participant of the message (From, Sender, Reply-To, To, Cc, Bcc; top-level headers only),
    /// in that role order, one per role and address key, and records the message in its thread.
    /// `joinedBySubject`: threading placed it in the thread by subject (listed in the thread's `subjectJoins`).
    public mutating func add(_ d: DedupedMessage, threadId: String, joinedBySubject: Bool = false) -> [ParticipantLink] {
        add(DedupedMatchFields(d), threadId: threadId, joinedBySubject: joinedBySubject)
    }

    /// The same as `add(_:threadId:joinedBySubject:)` for a whole record, from the fields the matcher reads.
    public mutating func add(_ m: DedupedMatchFields, threadId: String,
                             joinedBySubject: Bool = false) -> [ParticipantLink] {
        let t = threadNumber(threadId)
        let message = messageKeys.append(m.key)
        if joinedBySubject { self.joinedBySubject[t, default: []].append(message) }
        messageDate.append(dates.code(m.date))
        messageThread.append(t)
        addMessage(message, to: Int(t), subject: m.subject, direction: m.direction)
        for box in m.copyMailboxes { addMailbox(box, to: Int(t)) }
        addMailbox(m.mailbox, to: Int(t))

        // The roles in the order of `NormalizedMessage.allAddresses`. Addresses are read in place (through each
        // list's buffer), never copied out whole, and known by the canonical id of their key (`StringTable`), which
        // is equal exactly for keys `String` holds equal.
        let lists: [[Address]] = [m.from, m.sender.map { [$0] } ?? [], m.replyTo, m.to, m.cc, m.bcc]
        let count = lists.reduce(0) { $0 + $1.count }
        var links: [ParticipantLink] = []
        links.reserveCapacity(count)
        var emitted: Set<UInt64> = []  // one link per participant and role: role << 32 | key id
        emitted.reserveCapacity(count)
        // Unmatched addresses of this message, in order of first appearance: key id, where the address kept is
        // (role, index: the first with a display name, else the first) and whether it appears as a recipient.
        var pending: [PendingUnmatched] = []
        var pendingOfKey: [Int32: Int] = [:]
        for (r, list) in lists.enumerated() {
            let role = Self.roles[r]
            let recipient = r >= 3  // to, cc, bcc
            list.withUnsafeBufferPointer { list in
                for i in list.indices {
                    let key = canonicalId(list[i].key)
                    guard emitted.insert(UInt64(r) << 32 | UInt64(UInt32(bitPattern: key))).inserted else { continue }
                    let (inside, lookup) = classify(list.baseAddress! + i, key: key)
                    var link = ParticipantLink(messageKey: m.key, threadId: threadId, role: role,
                                               address: list[i].address, isInternal: inside, contactId: nil, rule: nil,
                                               ambiguous: [])
                    let address = strings.intern(list[i].address)
                    addParticipant(key: key, address: address, isInternal: inside, to: Int(t))
                    if !inside {
                        switch lookup {
                        case .match(let contactId, let rule):
                            link.contactId = contactId
                            link.rule = rule
                            addContact(contactId, key: key, address: address, rule: rule, to: Int(t))
                        case .ambiguous(let ids):
                            link.ambiguous = ids
                        case .none:
                            if let p = pendingOfKey[key] {
                                pending[p].recipient = pending[p].recipient || recipient
                                if !pending[p].named, list[i].name != nil {
                                    (pending[p].role, pending[p].index, pending[p].named) = (Int8(r), Int32(i), true)
                                }
                            } else {
                                pendingOfKey[key] = pending.count
                                pending.append(PendingUnmatched(key: key, role: Int8(r), index: Int32(i),
                                                                named: list[i].name != nil, recipient: recipient))
                            }
                        }
                    }
                    links.append(link)
                }
            }
        }

        for p in pending {
            lists[Int(p.role)].withUnsafeBufferPointer { list in
                unmatched[p.key, default: UnmatchedState()].add(
                    list.baseAddress! + Int(p.index), thread: t, date: m.date,
                    sentTo: m.direction == .sent && p.recipient, bulk: !m.bulk.isEmpty)
            }
        }
        return links
    }

    /// The roles of `add`'s lists, in their order.
    private static let roles = ["from", "sender", "reply-to", "to", "cc", "bcc"]

    /// An unmatched address of the message being added (see `add`).
    private struct PendingUnmatched {
        var key: Int32
        var role: Int8
        var index: Int32
        var named: Bool
        var recipient: Bool
    }

    private mutating func threadNumber(_ id: String) -> Int32 {
        let digest = ThreadIdDigest.parse(id)
        if let digest, let t = threadOfDigest[digest] { return t }
        if digest == nil, let t = threadOfOtherId[id] { return t }
        let t = Int32(threads.count)
        if let digest {
            threadOfDigest[digest] = t
        } else {
            threadOfOtherId[id] = t
            otherThreadIds[t] = id
        }
        threadDigests.append(digest ?? 0)
        threads.append(ThreadState())
        return t
    }

    private func threadId(_ t: Int) -> String {
        otherThreadIds[Int32(t)] ?? ThreadIdDigest.string(threadDigests[t])
    }

    /// Whether the address is internal and, when it is not, what the contacts say about it: remembered per
    /// address (both depend only on its key, local part and domain), since the same people write again and again.
    /// `a` is read in place (a copy of the whole address costs a retain and a release of each of its strings).
    private mutating func classify(_ a: UnsafePointer<Address>, key: Int32) -> (inside: Bool, lookup: ContactLookup) {
        let id = AddressIdentity(key: key, local: canonicalId(a.pointee.local), domain: canonicalId(a.pointee.domain))
        if let known = classified[id] { return known }
        let inside = isInternal(a.pointee)
        let result = (inside, inside ? ContactLookup.none : contacts.lookup(a.pointee))
        classified[id] = result
        return result
    }

    /// Canonical string ids (see `StringTable`), so that equal strings are one identity as `String` has them.
    private struct AddressIdentity: Hashable {
        var key: Int32
        var local: Int32
        var domain: Int32
    }

    /// Threads sorted by thread id; unmatched addresses by messages (most first), then latest `lastSeen`, then
    /// address.
    public func finish() -> (threads: [ThreadRecord], unmatched: [UnmatchedAddress]) {
        var records: [ThreadRecord] = []
        let addresses = finish { records.append($0) }
        return (records, addresses)
    }

    /// The same as `finish()`, handing each thread record to `body` as it is made (sorted by thread id), so that
    /// only one thread's strings exist at a time. Returns the unmatched addresses.
    public func finish(threads body: (ThreadRecord) throws -> Void) rethrows -> [UnmatchedAddress] {
        let order = threadOrder()
        for i in 0..<order.count { try body(record(at: i, of: order)) }
        return unmatchedRecords()
    }

    /// The threads in the order `finish` makes their records (by thread id), with each thread's messages.
    public struct ThreadOrder: Sendable {
        fileprivate let byId: [Int]
        /// Thread `t`'s messages are `members[start[t]..<start[t + 1]]`, in `add` order.
        fileprivate let start: [Int32]
        fileprivate let members: [Int32]

        public var count: Int { byId.count }
    }

    /// The order of `finish`'s thread records.
    public func threadOrder() -> ThreadOrder {
        // Each thread's messages, in `add` order: a counting sort by thread number.
        var start = [Int32](repeating: 0, count: threads.count + 1)
        for t in messageThread { start[Int(t) + 1] += 1 }
        for t in threads.indices { start[t + 1] += start[t] }
        var members = [Int32](repeating: 0, count: messageThread.count)
        var fill = start
        for (m, t) in messageThread.enumerated() {
            members[Int(fill[Int(t)])] = Int32(m)
            fill[Int(t)] += 1
        }
        let digests = threadDigests  // not `self` in the closure: that copies the matcher at each comparison
        let byId = otherThreadIds.isEmpty ? threads.indices.sorted { digests[$0] < digests[$1] }
            : threads.indices.sorted { threadId($0) < threadId($1) }
        return ThreadOrder(byId: byId, start: start, members: members)
    }

    /// The record of the `i`th thread of `order`. It only reads the matcher: records may be made on several
    /// threads at once, and are the same whatever their order.
    public func record(at i: Int, of order: ThreadOrder) -> ThreadRecord {
        let t = order.byId[i]
        return record(t, threadId: threadId(t), messages: order.members[Int(order.start[t])..<Int(order.start[t + 1])])
    }

    /// The unmatched addresses, by messages (most first), then latest `lastSeen`, then address.
    public func unmatchedRecords() -> [UnmatchedAddress] {
        unmatched.values.map { $0.record() }.sorted { a, b in
            if a.messages != b.messages { return a.messages > b.messages }
            if a.lastSeen != b.lastSeen {
                guard let x = a.lastSeen else { return false }
                guard let y = b.lastSeen else { return true }
                return x > y
            }
            return a.address < b.address
        }
    }
}
