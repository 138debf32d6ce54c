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

    /// Maps `inputs`; the first error (in input order) is rethrown after the batch.
    func map(_ inputs: [Input], _ transform: (inout Context, Input) throws -> Output) throws -> [Output] {
        if inputs.isEmpty { return [] }
        var results = [Result<Output, Error>?](repeating: nil, count: inputs.count)
        let n = min(workers, inputs.count)
        results.withUnsafeMutableBufferPointer { out in
            contexts.withUnsafeMutableBufferPointer { ctx in
                // Each worker owns a disjoint stride of indices and its own context: no shared mutation.
                let outBase = out.baseAddress!, ctxBase = ctx.baseAddress!
                withoutActuallyEscaping(transform) { t in
                    DispatchQueue.concurrentPerform(iterations: n) { w in
                        var i = w
                        while i < inputs.count {
                            outBase[i] = Result { try t(&ctxBase[w], inputs[i]) }
                            i += n
                        }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}

/// Runs one job on another thread while the caller goes on; `wait()` gives its result or rethrows its error.
/// The job must not share mutable state with the caller until `wait()` returns.
final class BackgroundTask<T> {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?
    private var finished = false

    init(_ job: @escaping () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try job() }
            done.signal()
        }
    }

    func wait() throws -> T {
        if !finished {
            done.wait()
            finished = true
        }
        return try result!.get()
    }

    /// Waits without looking at the result (when the caller is already leaving with an error of its own).
    func waitIgnoringResult() {
        _ = try? wait()
    }
}
