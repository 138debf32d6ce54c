/// Groups message identities into conversation threads, in the manner of JWZ's algorithm and notmuch
/// (`lib/add-message.cc`, `lib/thread.cc`), decided once all messages are known so that the result never
/// depends on the order they were added in.
///
/// - Containers are keyed by Message-ID. An id that is referenced but never seen becomes a placeholder (ghost)
///   container, so replies to a missing message still share a thread. A message whose key is `mid:<id>#…` or
///   `hash:…` gets a container of its own (not registered under the id) that still links to the parent its
///   In-Reply-To / References name; a `mid:<id>#…` message naming no id but its own names the message keyed
///   `mid:<id>` (an update that reused the id of the message it answers), and a `mid:<id>` message naming only
///   its own id is linked to the oldest older message reusing that id (see `parentClaim`, `reusedIdParent`).
/// - A message's parent is the one it names (`ThreadInput.parentClaim`): that link is authoritative. These links
///   are made newest message first, so when messages name each other in a cycle, the oldest one loses its
///   parent and becomes the root. Self-references are dropped.
/// - References chains then link ancestor → descendant for placeholders that have no parent yet, oldest message
///   first; a link that would close a cycle is skipped. Every walk is over a forest, so nothing can loop.
/// - Subject grouping applies only to messages with neither In-Reply-To nor References whose subject has a reply
///   prefix, and never joins strangers: such a message (with its replies) joins a thread whose root has the same
///   non-empty base subject only when it shares an external participant with that thread and is dated at most
///   `subjectJoinDays` after the thread's last message (see `ThreadBuilder+Subject.swift`).
/// - `threadId` = `t` + 16 hex digits of SHA-256 over the root container's id (Message-ID, placeholder id, or
///   the key of a container of its own). The names of every container of a thread are kept too
///   (`ThreadCoverage`): a worker that saw only part of a conversation may find another root, and the load
///   merges the threads that share an id (`ThreadRecord.ids`).
///
/// Memory: per message identity one `Entry` (about 40 bytes) and 4 bytes per linked id; every Message-ID, key
/// and base subject once in a `StringTable`; never whole messages. `finish` adds about 40 bytes per message.
public struct ThreadBuilder: Sendable {
    /// Message-IDs, linked ids, keys (after `mid:`) and base subjects.
    var strings = StringTable()
    var dates = DateTable()
    /// Linked ids of every entry (see `Entry.linkStart`).
    var links: [Int32] = []
    private(set) var entries: [Entry] = []
    /// The entry of each `add` call, in call order.
    var entryOfInput: [Int32] = []
    /// Entry whose key is `mid:` + the string, by canonical string id (-1 when none).
    private var entryOfMidKey: [Int32] = []
    /// Entry of every other key, by canonical string id.
    private var entryOfOtherKey: [Int32: Int32] = [:]

    /// How long after a thread's last message a header-less reply may still join it by subject, in days; 0 turns
    /// subject grouping off. See `defaultSubjectJoinDays`.
    public var subjectJoinDays: Int

    /// 30 days: a reply written from a phone or an Outlook that dropped the thread headers comes within days of
    /// the conversation it answers; a month covers slow business correspondence (monthly reports, an answer after
    /// a holiday) while a "Re: Slides" months or years later is a new conversation, even with the same people.
    public static let defaultSubjectJoinDays = 30

    public init(subjectJoinDays: Int = ThreadBuilder.defaultSubjectJoinDays) {
        self.subjectJoinDays = subjectJoinDays
    }

    /// Room for `messages` inputs (and as many strings) without growing, so that no array is held twice while it
    /// is copied to a larger one.
    public mutating func reserveCapacity(messages: Int) {
        entries.reserveCapacity(messages)
        entryOfInput.reserveCapacity(messages)
        strings.reserveCapacity(messages)
    }

    /// Adds one message identity. Keys are unique after dedupe; should one repeat anyway, a single input is kept
    /// for it, the same one whatever the order (the smallest by `ThreadInput.precedes`).
    public mutating func add(_ input: ThreadInput) {
        let e = makeEntry(input)
        let k = strings.canonical(e.key)
        if let i = existingEntry(e, canonicalKey: k) {
            if input.precedes(self.input(entries[Int(i)])) { entries[Int(i)] = e }
            entryOfInput.append(i)
            return
        }
        let i = Int32(entries.count)
        if e.keyIsMid {
            if entryOfMidKey.count < strings.count {
                entryOfMidKey.append(contentsOf: repeatElement(-1, count: strings.count - entryOfMidKey.count))
            }
            entryOfMidKey[Int(k)] = i
        } else {
            entryOfOtherKey[k] = i
        }
        entries.append(e)
        entryOfInput.append(i)
    }

    private func existingEntry(_ e: Entry, canonicalKey k: Int32) -> Int32? {
        if !e.keyIsMid { return entryOfOtherKey[k] }
        guard Int(k) < entryOfMidKey.count, entryOfMidKey[Int(k)] >= 0 else { return nil }
        return entryOfMidKey[Int(k)]
    }

    /// Threads every message added. With `keepingKeys` false the assignment answers only `threadId(forInput:)`,
    /// which saves holding every key again. `participants` is asked, only when a header-less reply could join a
    /// thread by subject, for the external participants of the few messages that decision needs (see
    /// `ParticipantSource`); without it no message joins by subject.
    public func finish(keepingKeys: Bool = true) -> ThreadAssignment {
        finish(keepingKeys: keepingKeys) { $0.map { _ in [] } }
    }

    /// The same, with the participants subject grouping asks for.
    public func finish(keepingKeys: Bool = true, participants: ParticipantSource) rethrows -> ThreadAssignment {
        // Canonical order first: nothing below may depend on the order of `add` calls.
        let byKey = entriesByKey()
        var forest = ThreadForest(strings: strings.count, containers: entries.count + entries.count / 2)
        var containerOf = [Int32](repeating: -1, count: entries.count)
        for i in byKey {
            containerOf[Int(i)] = forest.messageContainer(id: registeredId(entries[Int(i)]), entry: i)
        }

        // 1. Authoritative parents, newest first (undated count as newest), so cycles break at the oldest.
        var newestFirst = entriesNewestFirst(byKey: byKey)
        let reusing = reusedIdEntries(entries, byKey: byKey)
        for i in newestFirst {
            if let p = parentClaim(entries[Int(i)]) {
                forest.link(child: containerOf[Int(i)], to: forest.container(for: strings.canonical(p), spelling: p))
            } else if !reusing.isEmpty, let o = reusedIdParent(entries[Int(i)], entries, reusing: reusing) {
                forest.link(child: containerOf[Int(i)], to: containerOf[Int(o)])
            }
        }

        // 2. References chains, for placeholders only, oldest message first.
        var chain: [Int32] = []
        for i in newestFirst.reversed() {
            let e = entries[Int(i)]
            chain.removeAll(keepingCapacity: true)
            for id in links[e.references] where isOtherId(id, of: e) { chain.append(id) }
            guard chain.count > 1 else { continue }
            for j in 1..<chain.count {
                let child = forest.container(for: strings.canonical(chain[j]), spelling: chain[j])
                guard forest.message[Int(child)] < 0, forest.parent[Int(child)] < 0 else { continue }
                let p = forest.container(for: strings.canonical(chain[j - 1]), spelling: chain[j - 1])
                forest.link(child: child, to: p)
            }
        }
        newestFirst = []

        // 3. Subject grouping for header-less replies.
        let joined = try groupBySubject(entries, byKey: byKey, containerOf: containerOf, forest: &forest,
                                        participants: participants)

        // 4. Thread ids from roots, numbered in key order.
        let roots = forest.roots()
        var threadOfRoot = [Int32](repeating: -1, count: forest.count)
        var threadIds: [UInt64] = []
        var threadOfEntry = [Int32](repeating: -1, count: entries.count)
        for i in byKey {
            let root = Int(roots[Int(containerOf[Int(i)])])
            if threadOfRoot[root] < 0 {
                threadOfRoot[root] = Int32(threadIds.count)
                threadIds.append(ThreadIdDigest.of(rootId: containerName(forest.name[root])))
            }
            threadOfEntry[Int(i)] = threadOfRoot[root]
        }
        var keys: [(String, Int32)] = []
        if keepingKeys {
            keys.reserveCapacity(entries.count)
            for (i, e) in entries.enumerated() { keys.append((key(e), threadOfEntry[i])) }
        }
        var joinedInputs: Set<Int32> = []
        if !joined.isEmpty {
            for (input, e) in entryOfInput.enumerated() where joined.contains(e) { joinedInputs.insert(Int32(input)) }
        }
        return ThreadAssignment(threadIds: threadIds, threadOfInput: entryOfInput.map { threadOfEntry[Int($0)] },
                                keys: keys, joinedBySubject: joinedInputs,
                                coverage: coverage(forest: forest, roots: roots, threadOfRoot: threadOfRoot,
                                                   threads: threadIds.count),
                                joinedKeys: keepingKeys ? Set(joined.map { key(entries[Int($0)]) }) : [],
                                subjectJoins: joined.count)
    }

    /// The id a container is named by (see `ThreadForest.name`).
    private func containerName(_ name: Int32) -> String {
        name >= 0 ? strings.string(name) : key(entries[Int(-name - 1)])
    }

    /// `t` + the first 16 hex digits of SHA-256 over the root container's id.
    public static func threadId(rootId: String) -> String {
        ThreadIdDigest.string(ThreadIdDigest.of(rootId: rootId))
    }
}
