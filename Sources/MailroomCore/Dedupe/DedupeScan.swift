/// Dedupe's two passes over normalize's lines, in order. The first (`add`) decides every copy and keeps,
/// compactly, what the second (`identity`) needs to write each identity once, with all its copies: one byte per
/// line, one byte per identity (the decoration of the copy it shows), the deduplicator's tables, and the later
/// copies of identities that have any. Keys and first copies are not kept: the second pass takes them from the
/// line it is reading.
///
/// An identity is written at the line of the copy it shows, with that copy's fields: its first copy, unless a
/// later copy carries less list decoration (see `CopyDecoration`): then the least decorated, earliest among
/// equals. So a message that came both directly and through a mailing list shows the direct copy's subject,
/// snippet and bulk reasons whichever copy came first. Its copies are always listed in input order.
public struct DedupeScan: Sendable {
    private var dedup = MessageDeduplicator()
    /// Per line: `dropped`, `kept`, or `keptReusingId` (its key is `mid:<id>#…`).
    private var kinds: [UInt8] = []
    /// Identity number → its copies after the first, in input order (only identities with repeats).
    private var laterCopies: [Int: [CopyRef]] = [:]
    /// Identity number → the decoration of the copy it shows.
    private var shownDecoration: [UInt8] = []
    /// Identity number → the line of the copy it shows, and the inverse, for the identities that show a later
    /// copy than their first (only messages that came both through a list and another way).
    private var shownLine: [Int: Int] = [:]
    private var identityShownAt: [Int: Int] = [:]
    public private(set) var duplicates = 0
    /// Copies dropped as `list-or-transport-copy`: the same message with other content (see
    /// `MessageDeduplicator`).
    public private(set) var mergedCopies = 0

    /// Second pass: identities whose first line was read, and the first copies of those written later.
    private var firstLinesRead = 0
    private var deferred: [Int: (key: String, copy: CopyRef)] = [:]

    private static let dropped: UInt8 = 0, kept: UInt8 = 1, keptReusingId: UInt8 = 2

    public init() {}

    /// Lines seen.
    public var lines: Int { kinds.count }
    /// Identities kept.
    public var unique: Int { kinds.count - duplicates }
    /// `endFirstPass()` was called.
    private var firstPassEnded = false

    /// Ends the first pass: the deduplicator's tables (ids, hashes, senders and dates of every identity) are freed,
    /// as the second pass reads only what is kept beside them. No `add` after it.
    public mutating func endFirstPass() {
        firstPassEnded = true
        dedup = MessageDeduplicator()
    }

    /// Decides the next line's copy; returns the record of a dropped copy when it repeats a kept identity.
    public mutating func add(_ f: NormalizedDedupeFields) -> DroppedCopy? {
        precondition(!firstPassEnded, "DedupeScan.add after endFirstPass()")
        let decoration = f.decoration
        let id = f.identity
        switch dedup.observe(messageId: id.messageId, contentHash: id.contentHash,
                             sender: MessageDeduplicator.sender(f.fromKeys), date: f.date) {
        case .keep:
            kinds.append(dedup.lastReusesId ? Self.keptReusingId : Self.kept)
            shownDecoration.append(decoration)
            return nil
        case .duplicate(let key, let reason):
            let line = kinds.count, i = dedup.lastIdentity
            kinds.append(Self.dropped)
            laterCopies[i, default: []].append(id.copyRef)
            duplicates += 1
            if reason == MessageDeduplicator.listOrTransportCopy { mergedCopies += 1 }
            if decoration < shownDecoration[i] {
                shownDecoration[i] = decoration
                if let before = shownLine.updateValue(line, forKey: i) { identityShownAt[before] = nil }
                identityShownAt[line] = i
            }
            return DroppedCopy(copyId: id.copyId, mailbox: id.mailbox, folder: id.folder, key: key, reason: reason)
        }
    }

    /// Second pass, called for every line in the order `add` saw them (`line` 0-based), with that line's own
    /// fields: the identity to write at this line, or nil when none is written here.
    public mutating func identity(atLine line: Int, _ f: NormalizedIdentityFields) -> (key: String, copies: [CopyRef])? {
        guard line < kinds.count else { return nil }
        if kinds[line] == Self.dropped {
            guard !identityShownAt.isEmpty, let i = identityShownAt[line],
                  let first = deferred.removeValue(forKey: i) else { return nil }
            return (first.key, [first.copy] + (laterCopies[i] ?? []))
        }
        let number = firstLinesRead
        firstLinesRead += 1
        let key = MessageDeduplicator.key(messageId: f.messageId, contentHash: f.contentHash,
                                          reusesId: kinds[line] == Self.keptReusingId)
        if !shownLine.isEmpty, shownLine[number] != nil {
            deferred[number] = (key, f.copyRef)
            return nil
        }
        return (key, [f.copyRef] + (laterCopies[number] ?? []))
    }
}

extension NormalizedIdentityFields {
    /// Where this copy is.
    public var copyRef: CopyRef { CopyRef(copyId: copyId, mailbox: mailbox, folder: folder, flags: flags, labels: labels) }
}

extension NormalizedIdentityFields {
    /// The fields of a whole record.
    public init(_ m: NormalizedMessage) {
        copyId = m.copyId
        mailbox = m.mailbox
        folder = m.folder
        flags = m.flags
        labels = m.labels
        messageId = m.messageId
        contentHash = m.contentHash
    }
}
