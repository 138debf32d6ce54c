/// The content hashes `MessageDeduplicator` keeps, one code each (`Int32`): equal codes for hashes equal as
/// `String` compares them, and the hash back from its code.
///
/// A content hash as normalize writes it, 64 lowercase hex digits (SHA-256), is kept as its 32 bytes: half the
/// room of the text, kept for every message with a Message-ID (3.2 MB less at 100k; with jemalloc, a 100k run's
/// peak during extract and normalize went from 74.8 to 72.0 MiB, one run each, below match's). Any other
/// spelling (a hand-edited run directory's) is kept as text in a table of its own, with a code below -2 (-1 and
/// -2 are the deduplicator's: no hash, and a hash never kept).
struct HashCodes: Sendable {
    private var digests = StringTable()
    private var others = StringTable()

    /// How many hashes and spellings are kept (each digest once, as bytes, with no canonical form looked for).
    var storedCount: Int { digests.count + others.count }

    /// The code of `hash`, keeping it when new.
    mutating func intern(_ hash: String) -> Int32 {
        if let id = Self.withDigest(hash, { digests.intern(binary: $0) }) { return id }
        let spelling = others.intern(hash)
        return Self.otherCode(others.canonical(spelling))
    }

    /// The code of `hash` when it was kept.
    func find(_ hash: String) -> Int32? {
        if let digest = Self.withDigest(hash, { digests.find($0) }) { return digest }
        return others.findCanonical(hash).map(Self.otherCode)
    }

    /// The hash of a code `intern` returned, spelled as normalize writes it (or as it was given).
    func string(_ code: Int32) -> String {
        guard code >= 0 else { return others.string(Self.otherCode(code)) }
        return digests.withBytes(code) { ContentHash.hex(Array($0)) }
    }

    /// -3, -4, … for the ids 0, 1, … of `others` (and back: the map is its own inverse).
    private static func otherCode(_ id: Int32) -> Int32 { -3 - id }

    /// `body` on the 32 bytes of a hash of 64 lowercase hex digits; nil, without calling it, for any other
    /// spelling.
    private static func withDigest<R>(_ hash: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var hash = hash
        return hash.withUTF8 { text -> R? in
            guard text.count == 64 else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest -> R? in
                for i in 0..<32 {
                    guard let hi = nibble(text[2 * i]), let lo = nibble(text[2 * i + 1]) else { return nil }
                    digest[i] = hi << 4 | lo
                }
                return body(UnsafeBufferPointer(digest))
            }
        }
    }

    /// A lowercase hex digit's value: upper case is another spelling (as `String` compares), kept as text.
    private static func nibble(_ c: UInt8) -> UInt8? {
        (0x41...0x46).contains(c) ? nil : TransferEncoding.hexValue(c)
    }
}
