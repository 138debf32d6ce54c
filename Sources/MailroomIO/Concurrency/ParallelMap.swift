import Dispatch
import Foundation

/// Runs a pure function over a batch on all cores, keeping the input order. Each worker gets its own context
/// (for example a file reader), made once per worker and reused across batches.
final class ParallelBatchMapper<Context, Input, Output> {
    let workers: Int
    private var contexts: [Context]

    init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, makeContext: () -> Context) {
        self.workers = max(1, workers)
        contexts = (0..<max(1, workers)).map { _ in makeContext() }
    }

    /// Maps `inputs`; the first error (in input order) is rethrown (with several workers, after the whole batch).
    func map(_ inputs: [Input], _ transform: (inout Context, Input) throws -> Output) throws -> [Output] {
        var mapped: [Output] = []
        mapped.reserveCapacity(inputs.count)
        try map(inputs, transform) { mapped.append($0) }
        return mapped
    }

    /// Maps `inputs` and hands each output to `each` in input order, moved, not copied (a copy retains every
    /// field of a record, and the copies' destruction releases them all again); the first error (in input
    /// order) is rethrown after `each` had the outputs before it (with several workers, after the whole batch
    /// was mapped).
    func map(_ inputs: [Input], _ transform: (inout Context, Input) throws -> Output,
             each: (Output) throws -> Void) throws {
        if inputs.isEmpty { return }
        if workers == 1 {
            // One worker: on this thread, without handing the batch to the dispatch pool.
            for input in inputs { try each(try transform(&contexts[0], input)) }
            return
        }
        var results = [Result<Output, Error>?](repeating: nil, count: inputs.count)
        let n = min(workers, inputs.count)
        let queue = WorkQueue(count: inputs.count)
        results.withUnsafeMutableBufferPointer { out in
            contexts.withUnsafeMutableBufferPointer { ctx in
                // Each index is handed out once (so each result slot has one writer) and each worker uses only
                // its own context: no shared mutation. Workers take the next index when done, so one large
                // input does not hold up the others' share.
                // Unchecked by the compiler for those reasons; `inputs` and `transform` are only read.
                nonisolated(unsafe) let outBase = out.baseAddress!, ctxBase = ctx.baseAddress!, inputs = inputs
                withoutActuallyEscaping(transform) { t in
                    nonisolated(unsafe) let t = t  // safe: a pure function, called concurrently as documented
                    DispatchQueue.concurrentPerform(iterations: n) { w in
                        while let i = queue.next() {
                            outBase[i] = Result { try t(&ctxBase[w], inputs[i]) }
                        }
                    }
                }
            }
        }
        for i in results.indices {
            switch results[i].take()! {
            case .success(let v): try each(v)
            case .failure(let e): throw e
            }
        }
    }
}

/// Hands out the indices 0..<count, each once, to whichever worker asks next.
private final class WorkQueue: @unchecked Sendable {  // safe: `next` is the only access to its state, under `lock`
    private let lock = NSLock()
    private var index = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard index < count else { return nil }
        index += 1
        return index - 1
    }
}
