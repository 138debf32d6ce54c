import Foundation

/// A bounded queue of batches from one producer thread to one consumer thread. The producer blocks while
/// `capacity` batches wait (memory stays bounded); the consumer blocks while none does. Either side can stop the
/// other: the producer by `finish(error:)` (the consumer's `receive` then rethrows the error after the batches
/// already sent), the consumer by `cancel()` (the producer's waiting or next `send` throws `Cancelled`).
///
/// A consumer may hand each batch it is done with back by `giveBack(_:)`: the producer's next `send` returns them,
/// so that tearing down thousands of decoded values is work for the producer's core (outside the lock), and the
/// producer may reuse their buffers.
/// Used by extract → normalize (`StagePlan.swift`) and the store load's prefetch
/// (`RecordSource+Prefetch.swift`).
final class BatchChannel<Element>: @unchecked Sendable {  // safe: all mutable state is used under `condition` only
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [[Element]] = []
    /// Batches the consumer gave back, returned by the producer's next `send`.
    private var returned: [[Element]] = []
    private let capacity: Int
    private var finished = false
    private var failure: Error?
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Queues `batch`; returns the batches the consumer gave back since the last `send`, for the producer to
    /// reuse or drop (either way on its own thread, after the lock is released).
    @discardableResult
    func send(_ batch: [Element]) throws -> [[Element]] {
        var done: [[Element]] = []
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(batch)
        swap(&done, &returned)
        condition.broadcast()
        return done
    }

    /// Throws `Cancelled` once the consumer has stopped (a producer about to start work it would throw away).
    func throwIfCancelled() throws {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { throw Cancelled() }
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
            return queue.removeFirst()  // at most `capacity` batches: cheap
        }
        if let failure { throw failure }
        return nil
    }

    /// Hands a batch the consumer is done with back to the producer, to be freed there; once the producer has
    /// finished, the batch is simply dropped here.
    func giveBack(_ batch: [Element]) {
        condition.lock()
        defer { condition.unlock() }
        if !finished { returned.append(batch) }
    }

    /// The consumer stops: a waiting or later `send` throws `Cancelled`. Batches still queued are dropped.
    func cancel() {
        var dropped: [[Element]] = []
        defer { dropped.removeAll() }  // outside the lock
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        swap(&dropped, &queue)
        condition.broadcast()
    }
}
