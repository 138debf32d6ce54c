import Crypto

/// What the store knows about one message loaded from a folder: its Message-ID (angle brackets stripped,
/// as in the header), the SHA-256 of its raw bytes (lower-case hex) and its size.
public struct IMAPKnownMessage: Sendable, Equatable {
    public var messageId: String?
    public var sha256: String
    public var size: Int

    public init(messageId: String?, sha256: String, size: Int) {
        self.messageId = messageId
        self.sha256 = sha256
        self.size = size
    }

    /// From a message's raw bytes.
    public init(bytes: [UInt8]) {
        self.init(messageId: IMAPReidentification.messageId(inHeader: bytes), sha256: IMAPReidentification.sha256(bytes),
                  size: bytes.count)
    }
}

/// After a folder's UIDVALIDITY changed, decides which of the server's messages are the ones already loaded,
/// by Message-ID and size, and by content hash where that is not enough. Pure: the caller fetches headers,
/// then the bodies this asks for, then calls `finish`.
public struct IMAPReidentification: Sendable {
    /// One message on the server now.
    public struct ServerMessage: Sendable, Equatable {
        public var uid: UInt64
        public var messageId: String?
        public var size: Int
        public init(uid: UInt64, messageId: String?, size: Int) {
            self.uid = uid
            self.messageId = messageId
            self.size = size
        }
    }

    /// Server UIDs that are already loaded (same Message-ID and size as exactly one known message).
    public private(set) var alreadyLoaded: [UInt64] = []
    /// Server UIDs that are certainly new (a Message-ID the store never saw).
    public private(set) var new: [UInt64] = []
    /// Server UIDs whose bodies must be hashed to decide (no Message-ID, repeated ids, or the size differs).
    public private(set) var needHash: [UInt64] = []
    private let knownHashes: Set<String>
    private let sizeMismatch: Set<UInt64>

    public init(known: [IMAPKnownMessage], server: [ServerMessage]) {
        knownHashes = Set(known.map(\.sha256))
        var knownById: [String: [IMAPKnownMessage]] = [:]
        for k in known { if let id = k.messageId { knownById[id, default: []].append(k) } }
        var serverIdCount: [String: Int] = [:]
        for m in server { if let id = m.messageId { serverIdCount[id, default: 0] += 1 } }
        var mismatch: Set<UInt64> = []
        for m in server.sorted(by: { $0.uid < $1.uid }) {
            guard let id = m.messageId else { needHash.append(m.uid); continue }
            guard let ks = knownById[id] else { new.append(m.uid); continue }
            if ks.count == 1 && serverIdCount[id] == 1 {
                if ks[0].size == m.size { alreadyLoaded.append(m.uid) } else { needHash.append(m.uid); mismatch.insert(m.uid) }
            } else {
                needHash.append(m.uid)
            }
        }
        sizeMismatch = mismatch
    }

    /// Result of hashing the `needHash` bodies: loaded ones join `alreadyLoaded`, others are new; nil when a
    /// message carries a known Message-ID but different bytes (the mapping cannot be confirmed).
    public func finish(hashes: [UInt64: String]) -> (alreadyLoaded: [UInt64], new: [UInt64])? {
        var loaded = alreadyLoaded
        var fresh = new
        for uid in needHash {
            guard let h = hashes[uid] else { return nil }
            if knownHashes.contains(h) { loaded.append(uid) }
            else if sizeMismatch.contains(uid) { return nil }
            else { fresh.append(uid) }
        }
        return (loaded.sorted(), fresh.sorted())
    }

    /// The Message-ID header's value without angle brackets and spaces, from a header block (or whole message).
    public static func messageId(inHeader bytes: [UInt8]) -> String? {
        // Unfold and scan header lines until the blank line.
        var lines: [[UInt8]] = []
        var cur: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 10 {
                if cur.last == 13 { cur.removeLast() }
                if cur.isEmpty { break }
                if let f = cur.first, (f == 32 || f == 9), !lines.isEmpty { lines[lines.count - 1] += cur } else { lines.append(cur) }
                cur = []
            } else {
                cur.append(b)
            }
            i += 1
        }
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingSpaces().lowercased()
            guard name == "message-id" else { continue }
            var v = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            if let lt = v.firstIndex(of: "<"), let gt = v[lt...].firstIndex(of: ">") { v = String(v[v.index(after: lt)..<gt]) }
            v = v.trimmingSpaces()
            return v.isEmpty ? nil : v
        }
        return nil
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hex = Array("0123456789abcdef")
        var s = ""
        for b in digest { s.append(hex[Int(b >> 4)]); s.append(hex[Int(b & 0xF)]) }
        return s
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
