import Dispatch
import Foundation

/// A thread running one job while the caller goes on; `wait()` waits for it and gives its result or rethrows
/// its error. The job must not share mutable state with the caller until `wait()` returns.
final class JoinableThread<T> {
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
