import Crypto

/// Groups message identities into conversation threads, in the manner of JWZ's algorithm and notmuch
/// (`lib/add-message.cc`, `lib/thread.cc`), decided once all messages are known so that the result never
/// depends on the order they were added in.
///
/// - Containers are keyed by Message-ID. An id that is referenced but never seen becomes a placeholder (ghost)
///   container, so replies to a missing message still share a thread. A message whose key is `mid:<id>#…` or
///   `hash:…` gets a container of its own (not registered under the id) that still links to its parent.
/// - A message's parent is the one it names (`ThreadInput.parentClaim`): that link is authoritative. These links
///   are made newest message first, so when messages name each other in a cycle, the oldest one loses its
///   parent and becomes the root. Self-references are dropped.
/// - References chains then link ancestor → descendant for placeholders that have no parent yet, oldest message
///   first; a link that would close a cycle is skipped. Every walk is over a forest, so nothing can loop.
/// - Subject grouping applies only to messages with neither In-Reply-To nor References whose subject has a reply
///   prefix: such a message (with its replies) joins the thread whose root has the same non-empty base subject,
///   choosing the earliest thread, preferring threads that did not themselves join by subject.
/// - `threadId` = `t` + 16 hex digits of SHA-256 over the root container's id (Message-ID, placeholder id, or
///   the key of a container of its own).
///
/// Memory: one small record of ids and links per message; never whole messages.
public struct ThreadBuilder: Sendable {
    private var inputs: [ThreadInput] = []
    private var indexOfKey: [String: Int] = [:]
    /// One shared copy of every Message-ID and base subject: a message's id reappears in the References of each
    /// later message of its thread, and each copy would otherwise hold its own bytes.
    private var interned: Set<String> = []

    public init() {}

    /// Adds one message identity. Keys are unique after dedupe; should one repeat anyway, a single input is kept
    /// for it, the same one whatever the order (the smallest by `ThreadInput.precedes`).
    public mutating func add(_ input: ThreadInput) {
        var m = input
        m.messageId = m.messageId.map { intern($0) }
        m.inReplyTo = m.inReplyTo.map { intern($0) }
        m.references = m.references.map { intern($0) }
        m.baseSubject = intern(m.baseSubject)
        if let i = indexOfKey[m.key] {
            if m.precedes(inputs[i]) { inputs[i] = m }
            return
        }
        indexOfKey[m.key] = inputs.count
        inputs.append(m)
    }

    /// The shared copy of `s` (an equal string, so nothing below can tell).
    private mutating func intern(_ s: String) -> String {
        if s.utf8.count <= 15 { return s }  // small strings are stored inline: nothing to share
        return interned.insert(s).memberAfterInsert
    }

    public func finish() -> ThreadAssignment {
        var forest = ThreadForest()
        // Canonical order first: nothing below may depend on the order of `add` calls.
        let messages = inputs.sorted { $0.key < $1.key }
        var containerOf: [Int] = []
        containerOf.reserveCapacity(messages.count)
        for (i, m) in messages.enumerated() {
            containerOf.append(forest.messageContainer(id: m.registeredId, key: m.key, message: i))
        }

        // 1. Authoritative parents, newest first (undated count as newest), so cycles break at the oldest.
        let newestFirst = messages.indices.sorted { a, b in
            Self.isOlder(messages[b], than: messages[a])
        }
        for i in newestFirst {
            guard let p = messages[i].parentClaim else { continue }
            forest.link(child: containerOf[i], to: forest.container(for: p))
        }

        // 2. References chains, for placeholders only, oldest message first.
        for i in newestFirst.reversed() {
            let chain = messages[i].chain
            guard chain.count > 1 else { continue }
            for j in 1..<chain.count {
                let child = forest.container(for: chain[j])
                guard forest.message[child] == nil, forest.parent[child] == nil else { continue }
                forest.link(child: child, to: forest.container(for: chain[j - 1]))
            }
        }

        // 3. Subject grouping for header-less replies.
        groupBySubject(messages, containerOf: containerOf, forest: &forest)

        // 4. Thread ids from roots.
        let roots = forest.roots()
        var idOfRoot: [Int: String] = [:]
        var threadIds: [String: String] = [:]
        threadIds.reserveCapacity(messages.count)
        for (i, m) in messages.enumerated() {
            let root = roots[containerOf[i]]
            if idOfRoot[root] == nil { idOfRoot[root] = Self.threadId(rootId: forest.id[root]) }
            threadIds[m.key] = idOfRoot[root]
        }
        return ThreadAssignment(threadIds: threadIds)
    }

    /// `t` + the first 16 hex digits of SHA-256 over the root container's id.
    public static func threadId(rootId: String) -> String {
        let digest = SHA256.hash(data: Array(rootId.utf8))
        var hex = "t"
        for byte in digest.prefix(8) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return hex
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")

    /// Message order used throughout: dated before undated, earlier date first, then key.
    static func isOlder(_ a: ThreadInput, than b: ThreadInput) -> Bool {
        Matcher.isOlder(a.date, a.key, than: b.date, b.key)
    }
}

/// Which thread each message identity belongs to.
public struct ThreadAssignment: Sendable {
    private let threadIds: [String: String]

    init(threadIds: [String: String]) {
        self.threadIds = threadIds
    }

    public func threadId(for key: String) -> String? { threadIds[key] }

    /// Number of threads holding at least one message.
    public var threadCount: Int { Set(threadIds.values).count }
}
