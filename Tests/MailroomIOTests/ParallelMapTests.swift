import Foundation
import Testing
@testable import MailroomIO

/// `ParallelBatchMapper` hands each output over in input order, moved out of its slot: an output is gone once
/// its handler is done with it, not held until the whole batch was handed over.
@Suite struct ParallelMapTests {
    /// Counts the boxes alive (made on several workers at once); one per test case, which run side by side.
    final class Live: @unchecked Sendable {  // safe: `count` is only used under `lock`
        private let lock = NSLock()
        private var n = 0
        var count: Int { lock.withLock { n } }
        func add(_ d: Int) { lock.withLock { n += d } }
    }

    final class Box {
        let value: Int
        let live: Live
        init(_ value: Int, _ live: Live) {
            self.value = value
            self.live = live
            live.add(1)
        }
        deinit { live.add(-1) }
    }

    struct Failed: Error, Equatable { var at: Int }

    @Test(arguments: [1, 2, 3])
    func outputsComeInInputOrderAndEachIsFreedAfterItsHandler(workers: Int) throws {
        let mapper = ParallelBatchMapper<Int, Int, Box>(workers: workers, makeContext: { 0 })
        let inputs = Array(0..<300)
        let live = Live()
        var seen: [Int] = []
        var heldAtMost = 0
        try mapper.map(inputs, { calls, i in
            calls += 1
            return Box(i, live)
        }) { box in
            seen.append(box.value)
            // This output and those not handed over yet: never the ones before it.
            heldAtMost = max(heldAtMost, live.count - (workers == 1 ? 0 : inputs.count - seen.count))
        }
        #expect(seen == inputs)
        #expect(heldAtMost == 1)
        #expect(live.count == 0)
        #expect(try mapper.map(inputs) { _, i in Box(i, live) }.map(\.value) == inputs)
    }

    @Test(arguments: [1, 2])
    func theFirstErrorInInputOrderComesAfterTheOutputsBeforeIt(workers: Int) {
        let mapper = ParallelBatchMapper<Void, Int, Int>(workers: workers, makeContext: {})
        var seen: [Int] = []
        #expect(throws: Failed(at: 40)) {
            try mapper.map(Array(0..<100), { _, i in
                if i == 40 || i == 70 { throw Failed(at: i) }
                return i
            }) { seen.append($0) }
        }
        #expect(seen == Array(0..<40))
    }
}
