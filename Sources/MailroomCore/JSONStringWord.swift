/// The word-at-a-time test both JSON string loops use (`JSONParser` skipping plain bytes, `JSONWriter` escaping):
/// where in an 8-byte word the first byte is that the loop stops at. `(x - ones) & ~x & highs` is non-zero when
/// some byte of `x` is zero, and exact for the lowest such byte.
enum JSONStringWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `w` that is a quote, a backslash or a control character (below 0x20), with
    /// `orDEL` also 0x7F; zero when there is none. The lowest bit set is exact: borrows run only upward, so every
    /// byte below it is plain, and every byte looked for is flagged (bytes above the first may be flagged
    /// wrongly; the loops check each byte they stop at). Loops test the mask against zero and find the place
    /// only when it is not (`place`): a loop's next address then does not wait for the count.
    @inline(__always)
    static func stops(_ w: UInt64, orDEL: Bool) -> UInt64 {
        let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
        var stop = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | (w &- ones &* 0x20)
        if orDEL {
            let del = w ^ (ones &* 0x7F)
            stop |= (del &- ones) & ~del
        }
        return stop & ~w & highs
    }

    /// The place (0-7, in memory order) of the first byte a non-zero `stops` mask flags; 8 for zero.
    @inline(__always)
    static func place(_ stops: UInt64) -> Int { stops.trailingZeroBitCount >> 3 }

    /// The bytes of `w` below place `k` (all of it for 8).
    @inline(__always)
    static func below(_ k: Int, _ w: UInt64) -> UInt64 {
        k >= 8 ? w : w & ((1 &<< UInt64(8 * k)) &- 1)
    }
}
