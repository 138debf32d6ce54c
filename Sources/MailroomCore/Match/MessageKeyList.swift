/// The keys of the messages the matcher has seen, in `add` order, in about 40 bytes each (and the Message-IDs a
/// thread covers, `ThreadCoverage`). A key `mid:<local>@<domain>` or an id `<local>@<domain>` keeps only
/// `<local>` in a `StringList` plus 4 bytes naming its `@<domain>` in a small table (a mailbox's ids share a few
/// hundred domains); anything else is kept whole.
struct MessageKeyList: Sendable {
    private var locals = StringList()
    /// Per key: bit 0 set when it starts with `mid:`, the rest the id + 1 of its `@<domain>` (0 when none).
    private var shapes: [Int32] = []
    private var domains = StringTable()

    private static let midPrefix: [UInt8] = Array("mid:".utf8)
    private static let at = UInt8(ascii: "@")

    init() {}

    var count: Int { shapes.count }

    mutating func reserveCapacity(_ n: Int) {
        locals.reserveCapacity(n)
        shapes.reserveCapacity(n)
    }

    /// Appends a key; its number is the count before.
    @discardableResult
    mutating func append(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { append($0) }
    }

    /// Appends a key's bytes; its number is the count before.
    @discardableResult
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let mid = b.starts(with: Self.midPrefix)
        let rest = UnsafeBufferPointer(rebasing: b[(mid ? 4 : 0)...])
        if let at = rest.lastIndex(of: Self.at) {
            locals.append(UnsafeBufferPointer(rebasing: rest[..<at]))
            let domain = domains.intern(UnsafeBufferPointer(rebasing: rest[at...]))
            shapes.append((domain + 1) << 1 | (mid ? 1 : 0))
        } else {
            locals.append(rest)
            shapes.append(mid ? 1 : 0)
        }
        return Int32(shapes.count - 1)
    }

    func string(_ i: Int32) -> String {
        withKeyBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// `string(a) < string(b)`: the byte order when both are ASCII, else `String`'s own.
    func less(_ a: Int32, _ b: Int32) -> Bool {
        let ascii = withKeyBytes(a) { p in
            withKeyBytes(b) { q in ASCIIBytes.isASCII(p) && ASCIIBytes.isASCII(q) ? StringTable.compareBytes(p, q) : nil }
        }
        if let ascii { return ascii < 0 }
        return string(a) < string(b)
    }

    /// Calls `body` with the whole key's bytes, put together in a temporary buffer.
    private func withKeyBytes<R>(_ i: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let shape = shapes[Int(i)]
        let prefix = shape & 1 != 0 ? Self.midPrefix.count : 0
        let domain = shape >> 1 - 1
        return locals.withBytes(i) { local in
            let domainCount = domain < 0 ? 0 : domains.withBytes(domain) { $0.count }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix + local.count + domainCount) { buf in
                var n = 0
                for c in Self.midPrefix.prefix(prefix) { buf[n] = c; n += 1 }
                for c in local { buf[n] = c; n += 1 }
                if domain >= 0 { domains.withBytes(domain) { for c in $0 { buf[n] = c; n += 1 } } }
                return body(UnsafeBufferPointer(rebasing: buf[..<n]))
            }
        }
    }
}
