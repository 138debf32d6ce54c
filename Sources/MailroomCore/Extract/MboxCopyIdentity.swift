import Crypto

/// The identity of a message in an mbox file that follows the message, not its place in the file: a mail client
/// that compacts the file (drops deleted messages and rewrites the rest) moves every later message to another
/// offset, so a copy named by its offset would name another message after a reload.
///
/// The identity is SHA-256 over the message's header section without the fields mail clients rewrite in place
/// (`Status`, `X-Status`, `X-Keywords`, `X-UID`, `X-IMAP`, `X-IMAPbase`, `Content-Length`, `Lines`,
/// `X-Mozilla-Status`, `X-Mozilla-Status2`, `X-Mozilla-Keys`, `X-Evolution`), then the body's length in bytes,
/// as 16 hex digits. Marking a message read in Thunderbird or mutt keeps its identity; so does compaction.
/// Exact repeats within one file share it: the extractor numbers them in file order (`<id>.2`, `<id>.3`).
public enum MboxCopyIdentity {
    /// Fields that clients rewrite in place (lower-case names).
    static let volatile: [[UInt8]] = [
        "status", "x-status", "x-keywords", "x-uid", "x-imap", "x-imapbase", "content-length", "lines",
        "x-mozilla-status", "x-mozilla-status2", "x-mozilla-keys", "x-evolution",
    ].map { Array($0.utf8) }

    static let gmailLabels = Array("x-gmail-labels".utf8)
    static let mozillaStatus = Array("x-mozilla-status".utf8)

    /// Where fields the mbox source reads besides the identity start in the header section: the offset of the
    /// first line of their first occurrence, nil when absent (found while hashing: no second scan for them).
    public struct Fields: Sendable, Equatable {
        /// `X-Gmail-Labels` (a Google Takeout message).
        public var gmailLabels: Int?
        /// `X-Mozilla-Status` (Thunderbird).
        public var mozillaStatus: Int?

        public init() {}
    }

    /// Lengths of the names in `volatile` and of `x-gmail-labels`: other names are never looked up.
    @inline(__always) static func mayMatter(_ first: UInt8, length: Int) -> Bool {
        let c = ByteLines.lowerASCII(first)
        guard c == 0x78 || c == 0x73 || c == 0x63 || c == 0x6C else { return false }  // x s c l
        switch length {
        case 5, 6, 8, 10, 11, 14, 16, 17: return true
        default: return false
        }
    }

    /// The identity of a message (the first 64 bits of the hash): `header` = its header section (as the
    /// extractor read it, possibly cut at a cap), `bodyLength` = its bytes after the header section.
    /// `fields` tells where the section's `X-Gmail-Labels` and `X-Mozilla-Status` fields are.
    public static func digest(header: UnsafeRawBufferPointer, bodyLength: Int) -> UInt64 {
        var ignored = Fields()
        return digest(header: header, bodyLength: bodyLength, fields: &ignored)
    }

    public static func digest(header: UnsafeRawBufferPointer, bodyLength: Int, fields: inout Fields) -> UInt64 {
        fields = Fields()
        var hasher = SHA256()
        let end = header.count
        var i = 0
        var keptFrom = 0  // start of the run of kept lines not hashed yet
        var skipping = false
        while i < end {
            let (contentEnd, next) = ByteLines.line(header, from: i, end: end)
            if contentEnd == i { break }  // the blank line ending the section
            if !ByteLines.isWSP(header[i]) {
                // A field's first line: skipped with its continuation lines when the field is volatile.
                var drop = false
                if let colon = HeaderParser.fieldColon(header, i, contentEnd) {
                    var nameEnd = colon
                    while nameEnd > i, ByteLines.isWSP(header[nameEnd - 1]) { nameEnd -= 1 }
                    let length = nameEnd - i
                    if mayMatter(header[i], length: length) {
                        func named(_ n: [UInt8]) -> Bool {
                            n.count == length && ByteLines.hasPrefix(header, at: i, end: nameEnd, n, caseless: true)
                        }
                        drop = volatile.contains(where: named)
                        if drop {
                            if fields.mozillaStatus == nil, named(mozillaStatus) { fields.mozillaStatus = i }
                        } else if fields.gmailLabels == nil, named(gmailLabels) {
                            fields.gmailLabels = i
                        }
                    }
                }
                if drop && !skipping {
                    if keptFrom < i { hasher.update(bufferPointer: ByteLines.slice(header, keptFrom..<i)) }
                } else if !drop && skipping {
                    keptFrom = i
                }
                skipping = drop
            }
            i = next
        }
        // The rest: the kept run, or after a skipped last field the blank line that ends the section.
        let rest = skipping ? i : keptFrom
        if rest < end { hasher.update(bufferPointer: ByteLines.slice(header, rest..<end)) }
        var tail: [UInt8] = [0x00]
        tail.append(contentsOf: String(bodyLength).utf8)
        hasher.update(data: tail)
        return hasher.finalize().prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The identity an mbox copy id names (its last part: 16 hex digits, then `.N` for a repeat); nil for an id
    /// of another shape (a byte offset, as earlier versions named mbox copies).
    public static func digest(copyId: String) -> UInt64? {
        guard let slash = copyId.lastIndex(ofASCII: 0x2F) else { return nil }
        var key = copyId[copyId.index(after: slash)...]
        if let dot = key.firstIndex(ofASCII: 0x2E) { key = key[..<dot] }
        guard key.utf8.count == 16 else { return nil }
        var v: UInt64 = 0
        for c in key.utf8 {
            switch c {
            case 0x30...0x39: v = v << 4 | UInt64(c - 0x30)
            case 0x61...0x66: v = v << 4 | UInt64(c - 0x61 + 10)
            default: return nil
            }
        }
        return v
    }

    /// The copy-id part of an identity: 16 hex digits, then `.N` for the Nth exact repeat in one file (N ≥ 2).
    public static func key(_ digest: UInt64, occurrence: Int) -> String {
        let s = ContentHash.hex(withUnsafeBytes(of: digest.bigEndian, Array.init))
        return occurrence <= 1 ? s : s + "." + String(occurrence)
    }
}
