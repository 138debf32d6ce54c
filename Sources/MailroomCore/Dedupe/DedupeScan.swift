/// Dedupe's first pass over normalize's lines, in order: decides every copy and keeps, compactly, what the
/// second pass needs to write each identity once, at its first copy, with all its copies: one byte per line,
/// the deduplicator's tables, and the later copies of identities that have any. Keys and first copies are not
/// kept: the second pass takes them from the line it is writing.
public struct DedupeScan: Sendable {
    private var dedup = MessageDeduplicator()
    /// Per line: `dropped`, `kept`, or `keptReusingId` (its key is `mid:<id>#…`).
    private var kinds: [UInt8] = []
    /// Identity number → its copies after the first, in input order (only identities with repeats).
    private var laterCopies: [Int: [CopyRef]] = [:]
    public private(set) var duplicates = 0

    private static let dropped: UInt8 = 0, kept: UInt8 = 1, keptReusingId: UInt8 = 2

    public init() {}

    /// Lines seen.
    public var lines: Int { kinds.count }
    /// Identities kept.
    public var unique: Int { dedup.keptCount }

    /// Decides the next line's copy; returns the record of a dropped copy when it repeats a kept identity.
    public mutating func add(_ f: NormalizedIdentityFields) -> DroppedCopy? {
        switch dedup.observe(messageId: f.messageId, contentHash: f.contentHash) {
        case .keep:
            kinds.append(dedup.lastReusesId ? Self.keptReusingId : Self.kept)
            return nil
        case .duplicate(let key, let reason):
            kinds.append(Self.dropped)
            laterCopies[dedup.lastIdentity, default: []].append(f.copyRef)
            duplicates += 1
            return DroppedCopy(copyId: f.copyId, mailbox: f.mailbox, folder: f.folder, key: key, reason: reason)
        }
    }

    /// The identity to write at `line` (0-based, in the order `add` saw the lines) from that line's own fields,
    /// or nil when the line's copy was dropped. `number` is the identity's number: how many kept lines come
    /// before it.
    public func identity(atLine line: Int, number: Int, _ f: NormalizedIdentityFields) -> (key: String, copies: [CopyRef])? {
        guard line < kinds.count, kinds[line] != Self.dropped else { return nil }
        let key = MessageDeduplicator.key(messageId: f.messageId, contentHash: f.contentHash,
                                          reusesId: kinds[line] == Self.keptReusingId)
        return (key, [f.copyRef] + (laterCopies[number] ?? []))
    }
}

extension NormalizedIdentityFields {
    /// Where this copy is.
    public var copyRef: CopyRef { CopyRef(copyId: copyId, mailbox: mailbox, folder: folder, flags: flags) }
}

extension NormalizedIdentityFields {
    /// The fields of a whole record.
    public init(_ m: NormalizedMessage) {
        copyId = m.copyId
        mailbox = m.mailbox
        folder = m.folder
        flags = m.flags
        messageId = m.messageId
        contentHash = m.contentHash
    }
}
