import Dispatch
import Foundation

/// A thread running one job while the caller goes on; `wait()` waits for it and gives its result or rethrows
/// its error. The job must not share mutable state with the caller until `wait()` returns.
///
/// Not checked by the compiler: `result` is written once by the thread before `done.signal()` and read only after
/// `done.wait()` (the semaphore orders the two); `finished` is used by the caller's thread only; and `job` is
/// called once, on the new thread, with what it captured left alone by the caller as said above.
final class JoinableThread<T>: @unchecked Sendable {  // safe: see above
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?
    private var finished = false

    init(_ job: @escaping () throws -> T) {
        nonisolated(unsafe) let job = job  // safe: called only on the new thread, see above
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
