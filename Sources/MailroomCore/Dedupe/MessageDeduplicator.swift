/// What to do with one normalized message copy.
public enum DedupeDecision: Sendable, Equatable {
    /// A message identity seen for the first time, under this key.
    case keep(key: String)
    /// A repeat of the identity `of`; `reason` is `same-message-id`, `list-or-transport-copy` or
    /// `same-content-hash`.
    case duplicate(of: String, reason: String)
}

/// Decides, one copy at a time in input order, whether a normalized message is a new identity or another copy of
/// one already kept. Streaming: it holds only Message-IDs, content hashes and senders, once each in `StringMap`s
/// and `StringTable`s, and per identity a few numbers in arrays (about 20 bytes), never messages. Ids, hashes
/// and senders are compared as `String` compares them (canonically equivalent spellings are one id).
///
/// One email is one message however it reached the mailbox: copies with the same Message-ID are one message when
/// they have the same content hash, or when they have the same sender (the From addresses' match keys) and the
/// same Date to the second (normalize gives it in UTC, so a Date header re-rendered in another zone is the same
/// date). A list server's copy (subject tag, List-Id, footer) or a copy that came another way (journaling,
/// Google Groups) has another hash but the same sender and date: it is a copy of the message, not another one.
///
/// Keys (see `DedupedMessage.key`):
/// - with a Message-ID: `mid:<id>` the first time. The same id again is a duplicate of that message when its
///   content hash is the first copy's (`same-message-id`), or, with other content, when its sender and date are
///   the message's (`list-or-transport-copy`; a copy without a readable date never matches this way). Only the
///   same id with another sender or another date (or no date) is a different message that reuses the id (some
///   clients and generators do): `mid:<id>#<first 12 hex of its first copy's hash>`, whose own copies are decided
///   the same way.
/// - without one: `hash:<contentHash>`; repeats are duplicates (`same-content-hash`).
///
/// Identities are also numbered 0, 1, 2, … in the order they are kept (`lastIdentity`), so callers can keep
/// per-identity state in arrays instead of dictionaries keyed by strings.
public struct MessageDeduplicator: Sendable {
    public static let sameMessageId = "same-message-id"
    public static let listOrTransportCopy = "list-or-transport-copy"
    public static let sameContentHash = "same-content-hash"

    /// Message-ID → number of the identity kept as `mid:<id>`.
    private var identityOfId = StringMap()
    /// Content hashes of `mid:` identities, and by identity number the code of its first copy's hash (-1
    /// for `hash:` identities).
    private var hashes = HashCodes()
    private var firstHash: [Int32] = []
    /// Senders (From match keys) of `mid:` identities, and by identity number the canonical id of its sender.
    private var senders = StringTable()
    private var senderOf: [Int32] = []
    /// By identity number, its date (see `DateTable`; `DateTable.none` when it has none).
    private var dates = DateTable()
    private var dateOf: [Int64] = []
    /// Identity → the next identity kept with the same Message-ID (ids reused by other messages: rare).
    private var nextWithSameId: [Int32: Int32] = [:]
    /// Content hash → number of the identity kept as `hash:<hash>`.
    private var identityOfHash = StringMap()

    public init() {}

    /// Number of identities kept so far.
    public private(set) var keptCount = 0
    /// The number of the identity the last decision kept or repeated.
    public private(set) var lastIdentity = -1
    /// Whether that identity's key is `mid:<id>#…` (a message reusing an earlier message's id).
    public private(set) var lastReusesId = false

    public mutating func observe(_ m: NormalizedMessage) -> DedupeDecision {
        observe(messageId: m.messageId, contentHash: m.contentHash, sender: Self.sender(m.from.map(\.key)),
                date: m.date)
    }

    /// The sender compared between copies: the From addresses' match keys, in sorted order (the same authors
    /// listed in another order are the same sender; the store keeps a message's From addresses as a set).
    public static func sender(_ fromKeys: [String]) -> String {
        fromKeys.count == 1 ? fromKeys[0] : fromKeys.sorted().joined(separator: ",")
    }

    /// The key of an identity: `hash:<hash>` without a Message-ID, else `mid:<id>`, or `mid:<id>#<hash12>` for a
    /// message that reuses the id of an earlier one (`hash` is then its first copy's).
    public static func key(messageId: String?, contentHash hash: String, reusesId: Bool) -> String {
        guard let id = messageId, !id.isEmpty else { return "hash:" + hash }
        return reusesId ? "mid:" + id + "#" + String(hash.prefix(12)) : "mid:" + id
    }

    /// The decision from the fields it depends on: Message-ID, content hash, sender (see `sender(_:)`) and date
    /// (ISO 8601 UTC as normalize writes it).
    public mutating func observe(messageId: String?, contentHash hash: String, sender: String = "",
                                 date: String? = nil) -> DedupeDecision {
        lastReusesId = false
        guard let id = messageId, !id.isEmpty else {
            let key = Self.key(messageId: nil, contentHash: hash, reusesId: false)
            if let known = identityOfHash.valueOrSet(hash, Int32(keptCount)) {
                lastIdentity = Int(known)
                return .duplicate(of: key, reason: Self.sameContentHash)
            }
            keep(hash: -1, sender: -1, date: DateTable.none)
            return .keep(key: key)
        }
        let h = hashes.intern(hash)
        let s = senders.internCanonical(sender)
        let d = dates.code(date)
        guard let first = identityOfId.valueOrSet(id, Int32(keptCount)) else {
            keep(hash: h, sender: s, date: d)
            return .keep(key: Self.key(messageId: id, contentHash: hash, reusesId: false))
        }
        switch repeated(from: Int(first), hash: h, sender: s, date: d) {
        case .found(let i, let reason):
            lastIdentity = i
            lastReusesId = i != Int(first)
            return .duplicate(of: key(identity: i, messageId: id, reusesId: lastReusesId), reason: reason)
        case .none(let last):
            nextWithSameId[Int32(last)] = Int32(keptCount)
        }
        keep(hash: h, sender: s, date: d)
        lastReusesId = true
        return .keep(key: Self.key(messageId: id, contentHash: hash, reusesId: true))
    }

    /// Whether a copy with a Message-ID is one of the messages kept so far, by the rule `observe` applies (same
    /// Message-ID, and the same content hash or the same sender and date), without keeping it: the reason it
    /// would be a duplicate, or nil when `observe` would keep it as a new message. IMAP re-identification asks it
    /// of the messages a store holds.
    public func repeatReason(messageId id: String, contentHash hash: String, sender: String, date: String?) -> String? {
        guard !id.isEmpty, let first = identityOfId.value(for: id) else { return nil }
        // Strings never interned match nothing: -2 is no identity's hash or sender, and an unknown date is none.
        let h = hashes.find(hash) ?? -2, s = senders.findCanonical(sender) ?? -2
        guard case .found(_, let reason) = repeated(from: Int(first), hash: h, sender: s, date: dates.knownCode(date))
        else { return nil }
        return reason
    }

    /// Whether a message with this Message-ID was kept.
    public func knowsId(_ id: String) -> Bool { identityOfId.value(for: id) != nil }

    private enum Repeat { case found(identity: Int, reason: String), none(last: Int) }

    /// The rule, over every identity kept with one Message-ID (`first` and those chained after it, first one
    /// first): the first whose first copy's content hash is `h` (`same-message-id`), or whose sender and date
    /// are `s` and `d` with `d` a date (`list-or-transport-copy`); else the last identity of the chain.
    private func repeated(from first: Int, hash h: Int32, sender s: Int32, date d: Int64) -> Repeat {
        var i = first
        while true {
            if firstHash[i] == h { return .found(identity: i, reason: Self.sameMessageId) }
            if d != DateTable.none, dateOf[i] == d, senderOf[i] == s {
                return .found(identity: i, reason: Self.listOrTransportCopy)
            }
            guard let next = nextWithSameId[Int32(i)] else { return .none(last: i) }
            i = Int(next)
        }
    }

    /// The key of a `mid:` identity kept earlier, spelled with `messageId`.
    private func key(identity i: Int, messageId id: String, reusesId: Bool) -> String {
        guard reusesId else { return Self.key(messageId: id, contentHash: "", reusesId: false) }
        return Self.key(messageId: id, contentHash: hashes.string(firstHash[i]), reusesId: true)
    }

    private mutating func keep(hash: Int32, sender: Int32, date: Int64) {
        lastIdentity = keptCount
        keptCount += 1
        firstHash.append(hash)
        senderOf.append(sender)
        dateOf.append(date)
    }
}
