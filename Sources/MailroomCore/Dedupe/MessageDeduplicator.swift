/// What to do with one normalized message copy.
public enum DedupeDecision: Sendable, Equatable {
    /// A message identity seen for the first time, under this key.
    case keep(key: String)
    /// A repeat of the identity `of`; `reason` is `same-message-id` or `same-content-hash`.
    case duplicate(of: String, reason: String)
}

/// Decides, one copy at a time in input order, whether a normalized message is a new identity or another copy of
/// one already kept. Streaming: it holds only Message-IDs and content hashes, interned once each in
/// `StringTable`s (about their own bytes plus a few words per identity), never messages. Ids and hashes are
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

    private var ids = StringTable()
    private var hashes = StringTable()
    /// By canonical id in `ids`: the number of the identity kept as `mid:<id>` and the canonical id (in
    /// `hashes`) of its content hash; -1 where the id has none.
    private var identityOfId: [Int32] = []
    private var firstHashOfId: [Int32] = []
    /// By canonical id in `hashes`: the number of the identity kept as `hash:<hash>`, or -1.
    private var identityOfHash: [Int32] = []
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
        let h = Int(Self.intern(hash, in: &hashes, growing: &identityOfHash))
        guard let id = messageId, !id.isEmpty else {
            let key = Self.key(messageId: nil, contentHash: hash, reusesId: false)
            if identityOfHash[h] < 0 {
                identityOfHash[h] = Int32(keep())
                return .keep(key: key)
            }
            lastIdentity = Int(identityOfHash[h])
            return .duplicate(of: key, reason: Self.sameContentHash)
        }
        let key = Self.key(messageId: id, contentHash: hash, reusesId: false)
        let i = Int(Self.intern(id, in: &ids, growing: &identityOfId))
        firstHashOfId.append(contentsOf: repeatElement(-1, count: identityOfId.count - firstHashOfId.count))
        if identityOfId[i] < 0 {
            identityOfId[i] = Int32(keep())
            firstHashOfId[i] = Int32(h)
            return .keep(key: key)
        }
        if firstHashOfId[i] == Int32(h) {
            lastIdentity = Int(identityOfId[i])
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

    /// The canonical id of `s` in `table`, with `state` (indexed by id) grown to cover every id, new ones -1.
    private static func intern(_ s: String, in table: inout StringTable, growing state: inout [Int32]) -> Int32 {
        // Two statements: in `table.canonical(table.intern(s))` the table would be read before `intern` adds to it.
        let spelling = table.intern(s)
        let id = table.canonical(spelling)
        if state.count < table.count { state.append(contentsOf: repeatElement(-1, count: table.count - state.count)) }
        return id
    }

    private mutating func keep() -> Int {
        lastIdentity = keptCount
        keptCount += 1
        return lastIdentity
    }
}
