import Foundation

extension RecordSource {
    /// Calls `body` for each record in order, like `forEach`, while another thread reads and decodes the records
    /// up to `ahead` chunks of `chunk` records in advance: the load writes to SQLite on one core while the next
    /// records are parsed on the other. `body` sees the same records in the same order, and a read error after
    /// the records that precede it, exactly as `forEach` would give them. When `body` throws, the reader is
    /// stopped and waited for before the error is rethrown. Chunks `body` is done with go back to the reader,
    /// which frees them: tearing down thousands of decoded records is work for the other core too.
    func forEachPrefetched(chunk: Int = 256, ahead: Int = 8, _ body: (R) throws -> Void) throws {
        let channel = PrefetchChannel<R>(capacity: max(1, ahead))
        let size = max(1, chunk)
        let reader = JoinableThread<Void> { [forEach] in
            var buffer: [R] = []
            buffer.reserveCapacity(size)
            do {
                try forEach { record in
                    buffer.append(record)
                    if buffer.count == size {
                        try channel.put(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                if !buffer.isEmpty { try channel.put(buffer) }
                channel.finish(nil)
            } catch is PrefetchChannel<R>.Stopped {
                channel.finish(nil)
            } catch {
                if !buffer.isEmpty { try? channel.put(buffer) }
                channel.finish(error)
            }
        }
        defer {
            channel.stop()
            reader.waitIgnoringResult()
        }
        while let records = try channel.take() {
            for r in records { try body(r) }
            channel.giveBack(records)
        }
    }
}

/// A bounded queue of record chunks from one reader thread to one consumer, ending with nothing or an error.
private final class PrefetchChannel<R>: @unchecked Sendable {  // every access to its state holds `condition`
    /// Thrown to the reader by `put` once the consumer has stopped.
    struct Stopped: Error {}

    private let condition = NSCondition()
    private let capacity: Int
    private var chunks: [[R]] = []
    /// Chunks the consumer is done with, freed by the reader on its next `put`.
    private var done: [[R]] = []
    private var ended = false
    private var failure: Error?
    private var stopped = false

    init(capacity: Int) { self.capacity = capacity }

    func put(_ chunk: [R]) throws {
        var finished: [[R]] = []
        defer { finished.removeAll() }  // outside the lock, on the reader's thread
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !stopped { condition.wait() }
        if stopped { throw Stopped() }
        chunks.append(chunk)
        swap(&finished, &done)
        condition.broadcast()
    }

    /// Hands a chunk the consumer has finished with back to the reader, to be freed there.
    func giveBack(_ chunk: [R]) {
        condition.lock()
        defer { condition.unlock() }
        if !ended { done.append(chunk) }
    }

    func finish(_ error: Error?) {
        condition.lock()
        defer { condition.unlock() }
        ended = true
        failure = error
        condition.broadcast()
    }

    /// The next chunk; nil at the end; the reader's error once the chunks before it are taken.
    func take() throws -> [R]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !ended { condition.wait() }
        if !chunks.isEmpty {
            condition.broadcast()
            return chunks.removeFirst()  // at most `capacity` chunks: cheap
        }
        if let failure { throw failure }
        return nil
    }

    /// The consumer is done (finished or failed): a waiting or later `put` throws `Stopped`.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
    }
}
