import Foundation
import Testing
@testable import MailroomIO

@Suite struct BatchChannelTests {
    struct Broken: Error {}

    /// Everything sent arrives once, in order, though the producer is held back by the small capacity.
    @Test func batchesArriveInOrderThroughASmallQueue() throws {
        let channel = BatchChannel<Int>(capacity: 2)
        let producer = JoinableThread { () -> Void in
            for i in 0..<100 { try channel.send([2 * i, 2 * i + 1]) }
            channel.finish()
        }
        var got: [Int] = []
        while let b = try channel.receive() { got += b }
        try producer.wait()
        #expect(got == Array(0..<200))
    }

    /// A producer's error reaches the consumer after the batches sent before it, never instead of them.
    @Test func theProducersErrorComesAfterWhatItSent() throws {
        let channel = BatchChannel<Int>(capacity: 4)
        try channel.send([1])
        try channel.send([2])
        channel.finish(error: Broken())
        #expect(try channel.receive() == [1])
        #expect(try channel.receive() == [2])
        #expect(throws: Broken.self) { try channel.receive() }
    }

    /// A consumer that stops releases a producer blocked on a full queue: its send throws.
    @Test func cancellingReleasesABlockedProducer() throws {
        let channel = BatchChannel<Int>(capacity: 1)
        let producer = JoinableThread { () -> Int in
            var sent = 0
            do {
                while true {
                    try channel.send([sent])
                    sent += 1
                }
            } catch is BatchChannel<Int>.Cancelled {
                return sent
            }
        }
        #expect(try channel.receive() == [0])
        channel.cancel()
        #expect(try producer.wait() >= 1)
    }

    final class Tracked {}

    /// A batch the consumer gives back stays alive until the producer's next send, which returns it (to reuse
    /// or free on the producer's thread, outside the lock); once the producer has finished, a batch given back
    /// is dropped at once.
    @Test func batchesGivenBackAreReturnedByTheProducersNextSend() throws {
        let channel = BatchChannel<Tracked>(capacity: 4)
        weak var first: Tracked?
        weak var second: Tracked?
        do {
            let a = Tracked(), b = Tracked()
            first = a
            second = b
            try channel.send([a])
            try channel.send([b])
        }
        channel.giveBack(try #require(try channel.receive()))
        #expect(first != nil)  // held for the producer
        do {
            let back = try channel.send([])
            #expect(back.count == 1 && back.first?.first === first)
            #expect(try channel.send([]).isEmpty, "returned once")
        }
        #expect(first == nil)
        channel.finish()
        channel.giveBack(try #require(try channel.receive()))
        #expect(second == nil)
        #expect(try channel.receive()?.isEmpty == true)  // the empty batches sent above
        #expect(try channel.receive()?.isEmpty == true)
        #expect(try channel.receive() == nil)
    }

    /// Cancelling drops the batches still queued and makes the producer's later sends throw.
    @Test func cancellingDropsQueuedBatches() throws {
        let channel = BatchChannel<Tracked>(capacity: 4)
        weak var queued: Tracked?
        do {
            let a = Tracked()
            queued = a
            try channel.send([a])
        }
        #expect(queued != nil)
        channel.cancel()
        #expect(queued == nil)
        #expect(throws: BatchChannel<Tracked>.Cancelled.self) { try channel.send([]) }
    }
}
