/// What to do with one normalized message copy.
public enum DedupeDecision: Sendable, Equatable {
    /// A message identity seen for the first time, under this key.
    case keep(key: String)
    /// A repeat of the identity `of`; `reason` is `same-message-id` or `same-content-hash`.
    case duplicate(of: String, reason: String)
}

/// Decides, one copy at a time in input order, whether a normalized message is a new identity or another copy of
/// one already kept. Streaming: it holds only Message-IDs and content hashes, once each in `StringMap`s and a
/// `StringTable` (about their own bytes plus a few words per identity), never messages. Ids and hashes are
/// compared as `String` compares them (canonically equivalent spellings are one id).
///
/// Keys (see `DedupedMessage.key`):
/// - with a Message-ID: `mid:<id>` the first time. The same id with the same content hash again is a duplicate
///   (`same-message-id`). The same id with a different hash is a different message that reuses the id (some
///   clients and list servers do): `mid:<id>#<first 12 hex of its hash>`, whose own repeats are duplicates too.
/// - without one: `hash:<contentHash>`; repeats are duplicates (`same-content-hash`).
///
/// Identities are also numbered 0, 1, 2, … in the order they are kept (`lastIdentity`), so callers can keep
/// per-identity state in arrays instead of dictionaries keyed by strings.
public struct MessageDeduplicator: Sendable {
    public static let sameMessageId = "same-message-id"
    public static let sameContentHash = "same-content-hash"

    /// Message-ID → number of the identity kept as `mid:<id>`.
    private var identityOfId = StringMap()
    /// Content hashes of `mid:` identities, and by identity number the canonical id of its hash (-1 for others).
    private var hashes = StringTable()
    private var firstHash: [Int32] = []
    /// Content hash → number of the identity kept as `hash:<hash>`.
    private var identityOfHash = StringMap()
    /// "<id> <hash>" → identity number, for messages that reuse a Message-ID with other content (rare).
    private var variants: [String: Int] = [:]

    public init() {}

    /// Number of identities kept so far.
    public private(set) var keptCount = 0
    /// The number of the identity the last decision kept or repeated.
    public private(set) var lastIdentity = -1
    /// Whether that identity's key is `mid:<id>#…` (a message reusing an earlier message's id).
    public private(set) var lastReusesId = false

    public mutating func observe(_ m: NormalizedMessage) -> DedupeDecision {
        observe(messageId: m.messageId, contentHash: m.contentHash)
    }

    /// The key of an identity: `hash:<hash>` without a Message-ID, else `mid:<id>`, or `mid:<id>#<hash12>` for a
    /// message that reuses the id of an earlier one with other content.
    public static func key(messageId: String?, contentHash hash: String, reusesId: Bool) -> String {
        guard let id = messageId, !id.isEmpty else { return "hash:" + hash }
        return reusesId ? "mid:" + id + "#" + String(hash.prefix(12)) : "mid:" + id
    }

    /// The same decision from the two fields it depends on.
    public mutating func observe(messageId: String?, contentHash hash: String) -> DedupeDecision {
        lastReusesId = false
        guard let id = messageId, !id.isEmpty else {
            let key = Self.key(messageId: nil, contentHash: hash, reusesId: false)
            if let known = identityOfHash.valueOrSet(hash, Int32(keptCount)) {
                lastIdentity = Int(known)
                return .duplicate(of: key, reason: Self.sameContentHash)
            }
            keep()
            return .keep(key: key)
        }
        let key = Self.key(messageId: id, contentHash: hash, reusesId: false)
        let h = hashes.internCanonical(hash)
        guard let known = identityOfId.valueOrSet(id, Int32(keptCount)) else {
            keep()
            firstHash[lastIdentity] = h
            return .keep(key: key)
        }
        if firstHash[Int(known)] == h {
            lastIdentity = Int(known)
            return .duplicate(of: key, reason: Self.sameMessageId)
        }
        lastReusesId = true
        let variantKey = Self.key(messageId: id, contentHash: hash, reusesId: true)
        let variant = id + " " + hash
        if let existing = variants[variant] {
            lastIdentity = existing
            return .duplicate(of: variantKey, reason: Self.sameMessageId)
        }
        variants[variant] = keep()
        return .keep(key: variantKey)
    }

    @discardableResult
    private mutating func keep() -> Int {
        lastIdentity = keptCount
        keptCount += 1
        firstHash.append(-1)
        return lastIdentity
    }
}
