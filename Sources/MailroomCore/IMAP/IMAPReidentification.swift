import Crypto

/// What the store knows about one message loaded from a folder: its normalized Message-ID and its content hash,
/// exactly as the normalize stage computes them (`NormalizedMessage.messageId`, `.contentHash`), so the CRM
/// store's `messages` rows can answer directly.
public struct IMAPKnownMessage: Sendable, Equatable {
    public var messageId: String?
    public var contentHash: String

    public init(messageId: String?, contentHash: String) {
        self.messageId = messageId
        self.contentHash = contentHash
    }

    /// The identity of a message's raw bytes, computed as the normalize stage does.
    public init(bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { b in
            let top = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            return IMAPKnownMessage(messageId: Normalizer.messageId(top), contentHash: ContentHash.compute(b, top: top))
        }
    }
}

/// After a folder's UIDVALIDITY changed, tells for each message now on the server whether it is one already
/// loaded (same content hash), new (content and Message-ID both unknown), or a conflict: a known Message-ID with
/// other content, which cannot be confirmed as the same message (the folder must stop).
public struct IMAPReidentification: Sendable {
    public enum Verdict: Sendable, Equatable { case loaded, new, conflict }

    private let hashes: Set<String>
    private let ids: Set<String>
    /// Whether the store holds anything to compare with (a cursor without identities cannot be re-identified).
    public let hasIdentities: Bool

    public init(known: [IMAPKnownMessage]) {
        hashes = Set(known.map(\.contentHash))
        ids = Set(known.compactMap(\.messageId))
        hasIdentities = !known.isEmpty
    }

    public func verdict(_ m: IMAPKnownMessage) -> Verdict {
        if hashes.contains(m.contentHash) { return .loaded }
        if let id = m.messageId, ids.contains(id) { return .conflict }
        return .new
    }

    /// The Message-ID header's value without angle brackets and spaces, from a header block (or whole message).
    public static func messageId(inHeader bytes: [UInt8]) -> String? {
        guard let raw = bytes.withUnsafeBytes({ HeaderScan.firstField("Message-ID", in: $0) }) else { return nil }
        var v = String(decoding: raw, as: UTF8.self).trimmingSpaces()
        if let lt = v.firstIndex(of: "<"), let gt = v[lt...].firstIndex(of: ">") { v = String(v[v.index(after: lt)..<gt]) }
        v = v.trimmingSpaces()
        return v.isEmpty ? nil : v
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
