import Foundation

/// A bounded queue of batches from one producer thread to one consumer thread. The producer blocks while
/// `capacity` batches wait (memory stays bounded); the consumer blocks while none does. Either side can stop the
/// other: the producer by `finish(error:)` (the consumer's `receive` then rethrows the error after the batches
/// already sent), the consumer by `cancel()` (the producer's next `send` throws `Cancelled`).
final class BatchChannel<Element>: @unchecked Sendable {  // all state is read and written under `condition`
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [[Element]] = []
    private let capacity: Int
    private var finished = false
    private var failure: Error?
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func send(_ batch: [Element]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(batch)
        condition.broadcast()
    }

    /// No more batches; with an error, the consumer gets it once it has taken the batches sent before.
    func finish(error: Error? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the producer finished without error.
    func receive() throws -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !finished { condition.wait() }
        if !queue.isEmpty {
            condition.broadcast()
            return queue.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// The consumer stops: waiting and later sends throw.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
