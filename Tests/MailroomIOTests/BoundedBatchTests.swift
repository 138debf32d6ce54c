import Testing
@testable import MailroomIO

/// The batches extract hands to normalize and normalize maps: full at a count of items, or at the item that brings
/// the bytes they hold to the bound; taking one starts the next empty.
@Suite struct BoundedBatchTests {
    /// Adds each (item, bytes) in turn; returns the batches taken as each filled, then what was left.
    static func batches(_ adds: [(Int, Int)], maxCount: Int, maxBytes: Int = .max) -> [[Int]] {
        var b = BoundedBatch<Int>(maxCount: maxCount, maxBytes: maxBytes)
        var out: [[Int]] = []
        for (item, bytes) in adds where b.add(item, bytes: bytes) { out.append(b.take()) }
        out.append(b.take())
        return out
    }

    @Test func aBatchIsFullAtItsCountOrAtTheItemThatReachesItsBytes() {
        // By count: 3 items; by bytes: 60 then 40 reach 100 at the second item; the bytes start again at zero
        // after each batch (99 alone does not end one; the item after it, over the bound by itself, ends that batch).
        let adds = [(1, 0), (2, 0), (3, 0), (4, 60), (5, 40), (6, 99), (7, 1_000), (8, 0)]
        #expect(Self.batches(adds, maxCount: 3, maxBytes: 100) == [[1, 2, 3], [4, 5], [6, 7], [8]])
        #expect(Self.batches([], maxCount: 3, maxBytes: 100) == [[]])
    }

    @Test func withoutABoundOnBytesOnlyTheCountEndsABatch() {
        #expect(Self.batches([(1, 1 << 40), (2, 0), (3, 5)], maxCount: 2) == [[1, 2], [3]])
    }
}
