/// What to do with one normalized message copy.
public enum DedupeDecision: Sendable, Equatable {
    /// A message identity seen for the first time, under this key.
    case keep(key: String)
    /// A repeat of the identity `of`; `reason` is `same-message-id` or `same-content-hash`.
    case duplicate(of: String, reason: String)
}

/// Decides, one copy at a time in input order, whether a normalized message is a new identity or another copy of
/// one already kept. Streaming: it holds only Message-IDs and content hashes, in compact tables (about their own
/// bytes plus a few words per identity), never messages.
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

    /// Message-IDs of identities kept as `mid:<id>`, with the content hash and number of each (same index).
    private var ids = ByteStringTable()
    private var firstHashes = ByteStringTable()
    private var firstHashOfId: [Int32] = []
    private var identityOfId: [Int32] = []
    /// "<id> <hash>" → identity number, for messages that reuse a Message-ID with other content (rare).
    private var variants: [String: Int] = [:]
    /// Content hashes of kept messages without a Message-ID, with the number of each (same index).
    private var hashes = ByteStringTable()
    private var identityOfHash: [Int32] = []

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
            let (h, inserted) = Self.packed(hash) { hashes.insert($0) }
            if inserted {
                identityOfHash.append(Int32(keep()))
                return .keep(key: key)
            }
            lastIdentity = Int(identityOfHash[h])
            return .duplicate(of: key, reason: Self.sameContentHash)
        }
        let key = Self.key(messageId: id, contentHash: hash, reusesId: false)
        let (i, inserted) = ids.insert(id)
        if inserted {
            firstHashOfId.append(Int32(Self.packed(hash) { firstHashes.insert($0) }.index))
            identityOfId.append(Int32(keep()))
            return .keep(key: key)
        }
        if Self.packed(hash, { firstHashes.index(of: $0) }) == Int(firstHashOfId[i]) {
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

    /// A content hash as the tables store it: the 32 bytes a SHA-256 hex digest spells, tagged 1, or (any other
    /// spelling) its own bytes tagged 2. Half the bytes, and equal exactly when the hashes are equal.
    private static func packed<T>(_ hash: String, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var out = [UInt8](repeating: 1, count: 33)
        var isDigest = hash.utf8.count == 64
        if isDigest {
            var k = 1, high = true
            for c in hash.utf8 {
                let v: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
                default: v = 0xFF
                }
                if v == 0xFF { isDigest = false; break }
                if high { out[k] = v << 4 } else { out[k] |= v; k += 1 }
                high.toggle()
            }
        }
        if !isDigest { out = [2] + Array(hash.utf8) }
        return try out.withUnsafeBytes { try body($0) }
    }

    private mutating func keep() -> Int {
        lastIdentity = keptCount
        keptCount += 1
        return lastIdentity
    }
}
