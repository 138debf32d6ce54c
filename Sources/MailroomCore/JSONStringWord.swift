/// The word-at-a-time test both JSON string loops use (`JSONParser` skipping plain bytes, `JSONWriter` escaping):
/// whether an 8-byte word holds a byte the loop stops at. `(x - ones) & ~x & highs` is non-zero when some byte of
/// `x` is zero (exact for the lowest such byte; bytes above it may be flagged too, which only stops a loop early).
enum JSONStringWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether `w` holds a quote, a backslash or a control character (below 0x20), and with `orDEL` also 0x7F.
    @inline(__always)
    static func hasStop(_ w: UInt64, orDEL: Bool) -> Bool {
        let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
        var stop = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | (w &- ones &* 0x20)
        if orDEL {
            let del = w ^ (ones &* 0x7F)
            stop |= (del &- ones) & ~del
        }
        return stop & ~w & highs != 0
    }
}
