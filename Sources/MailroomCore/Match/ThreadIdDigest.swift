import Crypto

/// A thread id (`t` + 16 lower-case hex digits) as the 8 bytes those digits spell. Packed ids order as their
/// strings do (fixed width, `0-9` before `a-f`), so threads can be kept and sorted without their strings.
enum ThreadIdDigest {
    /// The first 8 bytes of SHA-256 over the root id, big-endian.
    static func of(rootId: String) -> UInt64 {
        let digest = SHA256.hash(data: Array(rootId.utf8))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func string(_ d: UInt64) -> String {
        var hex: [UInt8] = [0x74]
        hex.reserveCapacity(17)
        for shift in stride(from: 60, through: 0, by: -4) { hex.append(digits[Int((d >> UInt64(shift)) & 0xF)]) }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The digest a thread id spells, nil for any other string.
    static func parse(_ id: String) -> UInt64? {
        var id = id
        return id.withUTF8 { b -> UInt64? in
            guard b.count == 17, b[0] == 0x74 else { return nil }
            var d: UInt64 = 0
            for c in b[1...] {
                switch c {
                case 0x30...0x39: d = d << 4 | UInt64(c - 0x30)
                case 0x61...0x66: d = d << 4 | UInt64(c - 0x61 + 10)
                default: return nil
                }
            }
            return d
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
