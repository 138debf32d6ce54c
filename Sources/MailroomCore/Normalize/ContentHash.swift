import Crypto

/// The identity hash of a message's content: SHA-256 (hex) over the unfolded, white-space-collapsed raw values of
/// Date, From, To, Cc and Subject (each `name:value\n`, first occurrence, empty when absent), then `\n`, then the
/// body with every line ending as LF and trailing blank lines removed. Copies that differ only in line endings or
/// in transport headers (Received, Return-Path, Delivered-To, Status, X-Status, X-Gmail-Labels, ...) share it.
enum ContentHash {
    static let identityFields = ["date", "from", "to", "cc", "subject"]

    static func compute(_ b: UnsafeRawBufferPointer, top: HeaderBlock) -> String {
        var hasher = SHA256()
        var head: [UInt8] = []
        for name in identityFields {
            head.append(contentsOf: name.utf8)
            head.append(0x3A)
            var pendingSpace = false
            for c in top.first(name) ?? [] {
                if ByteLines.isSpace(c) { pendingSpace = true; continue }
                if pendingSpace, head.last != 0x3A { head.append(0x20) }
                pendingSpace = false
                head.append(c)
            }
            head.append(0x0A)
        }
        head.append(0x0A)
        hasher.update(data: head)

        var end = b.count
        let start = min(top.bodyStart, end)
        while end > start, ByteLines.isSpace(b[end - 1]) { end -= 1 }
        // Without a CR every line ends in a lone LF (or at the end): the body is hashed as it stands.
        if start < end, ByteLines.firstByte(ByteLines.cr, in: b, start..<end) == nil {
            hasher.update(bufferPointer: ByteLines.slice(b, start..<end))
            return hex(Array(hasher.finalize()))
        }
        var i = start
        var run = start  // lines from here to `i` end in a lone LF: their bytes are hashed as they stand
        let lf: [UInt8] = [0x0A]
        while i < end {
            let (contentEnd, next) = ByteLines.line(b, from: i, end: end)
            if next == contentEnd + 1, b[contentEnd] == ByteLines.lf {
                i = next
                continue
            }
            hasher.update(bufferPointer: ByteLines.slice(b, run..<contentEnd))
            if next > contentEnd { hasher.update(data: lf) }
            i = max(next, i + 1)
            run = i
        }
        if run < i { hasher.update(bufferPointer: ByteLines.slice(b, run..<i)) }
        return hex(Array(hasher.finalize()))
    }

    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
