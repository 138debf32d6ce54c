import Crypto

/// What the store knows about one message loaded from a folder: its normalized Message-ID, content hash, date
/// and sender, exactly as the normalize stage computes them (`NormalizedMessage.messageId`, `.contentHash`,
/// `.date`, and `MessageDeduplicator.sender` of the From addresses' keys), so the CRM store's `messages` and
/// `participants` rows can answer directly.
public struct IMAPKnownMessage: Sendable, Equatable {
    public var messageId: String?
    public var contentHash: String
    /// ISO 8601 UTC; nil when the message has no readable date (or the store recorded none).
    public var date: String?
    /// See `MessageDeduplicator.sender` ("" when unknown).
    public var sender: String

    public init(messageId: String?, contentHash: String, date: String? = nil, sender: String = "") {
        self.messageId = messageId
        self.contentHash = contentHash
        self.date = date
        self.sender = sender
    }

    /// The identity of a message's raw bytes, computed as the normalize stage does.
    public init(bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { b in
            let top = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            var issues = Set<IssueCode>()
            return IMAPKnownMessage(messageId: Normalizer.messageId(top), contentHash: ContentHash.compute(b, top: top),
                                    date: Normalizer.date(top),
                                    sender: MessageDeduplicator.sender(Normalizer.from(top, issues: &issues).map(\.key)))
        }
    }
}

/// After a folder's UIDVALIDITY changed, tells for each message now on the server whether it is one already
/// loaded, new (content and Message-ID both unknown), or a conflict: a known Message-ID that cannot be confirmed
/// as the same message (the folder must stop). A message is one already loaded when its content hash is known,
/// or when dedupe would make it a copy of a loaded message (`MessageDeduplicator`: same Message-ID and the same
/// sender and date, such as a mailing list's copy of a message loaded with the direct copy's hash).
public struct IMAPReidentification: Sendable {
    public enum Verdict: Sendable, Equatable { case loaded, new, conflict }

    private let hashes: Set<String>
    /// The known messages with a Message-ID, as dedupe kept them.
    private let messages: MessageDeduplicator
    /// Whether the store holds anything to compare with (a cursor without identities cannot be re-identified).
    public let hasIdentities: Bool

    public init(known: [IMAPKnownMessage]) {
        hashes = Set(known.map(\.contentHash))
        var d = MessageDeduplicator()
        for k in known where k.messageId != nil {
            _ = d.observe(messageId: k.messageId, contentHash: k.contentHash, sender: k.sender, date: k.date)
        }
        messages = d
        hasIdentities = !known.isEmpty
    }

    public func verdict(_ m: IMAPKnownMessage) -> Verdict {
        if hashes.contains(m.contentHash) { return .loaded }
        guard let id = m.messageId, !id.isEmpty, messages.knowsId(id) else { return .new }
        let repeats = messages.repeatReason(messageId: id, contentHash: m.contentHash, sender: m.sender, date: m.date)
        return repeats == nil ? .conflict : .loaded
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
