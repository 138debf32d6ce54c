/// What to do with one normalized message copy.
public enum DedupeDecision: Sendable, Equatable {
    /// A message identity seen for the first time, under this key.
    case keep(key: String)
    /// A repeat of the identity `of`; `reason` is `same-message-id` or `same-content-hash`.
    case duplicate(of: String, reason: String)
}

/// Decides, one copy at a time in input order, whether a normalized message is a new identity or another copy of
/// one already kept. Streaming: it holds only Message-IDs, content hashes and keys, never messages.
///
/// Keys (see `DedupedMessage.key`):
/// - with a Message-ID: `mid:<id>` the first time. The same id with the same content hash again is a duplicate
///   (`same-message-id`). The same id with a different hash is a different message that reuses the id (some
///   clients and list servers do): `mid:<id>#<first 12 hex of its hash>`, whose own repeats are duplicates too.
/// - without one: `hash:<contentHash>`; repeats are duplicates (`same-content-hash`).
public struct MessageDeduplicator: Sendable {
    public static let sameMessageId = "same-message-id"
    public static let sameContentHash = "same-content-hash"

    /// Message-ID → content hash of the copy kept as `mid:<id>`.
    private var firstHashById: [String: String] = [:]
    /// "<id> <hash>" → key, for messages that reuse a Message-ID with other content.
    private var variants: [String: String] = [:]
    /// Content hashes of kept messages without a Message-ID.
    private var hashes: Set<String> = []

    public init() {}

    /// Number of identities kept so far.
    public private(set) var keptCount = 0

    public mutating func observe(_ m: NormalizedMessage) -> DedupeDecision {
        observe(messageId: m.messageId, contentHash: m.contentHash)
    }

    /// The same decision from the two fields it depends on.
    public mutating func observe(messageId: String?, contentHash hash: String) -> DedupeDecision {
        guard let id = messageId, !id.isEmpty else {
            let key = "hash:" + hash
            if hashes.insert(hash).inserted {
                keptCount += 1
                return .keep(key: key)
            }
            return .duplicate(of: key, reason: Self.sameContentHash)
        }
        let key = "mid:" + id
        guard let first = firstHashById[id] else {
            firstHashById[id] = hash
            keptCount += 1
            return .keep(key: key)
        }
        if first == hash { return .duplicate(of: key, reason: Self.sameMessageId) }
        let variant = id + " " + hash
        if let existing = variants[variant] { return .duplicate(of: existing, reason: Self.sameMessageId) }
        let variantKey = key + "#" + String(hash.prefix(12))
        variants[variant] = variantKey
        keptCount += 1
        return .keep(key: variantKey)
    }
}
