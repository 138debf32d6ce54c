import Foundation
import Logging
import MailroomCore

/// Bounded retry of one load batch when it lost a race with another worker's transaction: a deadlock (`40P01`),
/// a serialization failure (`40001`), or a unique key another transaction inserted between this one's read and
/// its write (`23505`). The batch's transaction was rolled back whole (nothing of it is kept), so running it again
/// is safe; after `attempts` tries the last error stands.
enum PGRetry {
    static let retriable: Set<String> = ["40P01", "40001", "23505"]
    static let attempts = 6

    /// The SQLSTATE of a statement's failure (`PGErrors`), nil for any other error.
    static func sqlState(_ error: Error) -> String? {
        ((error as? MailroomError)?.cause as? PGServerError)?.sqlState
    }

    /// Runs `body` (one transaction) until it succeeds, fails otherwise, or has failed `attempts` times.
    /// `reset` forgets what the rolled-back attempt cached. Waits a short random time between attempts (more
    /// each time), so that two workers that collided do not collide again.
    static func batch<T>(_ what: @autoclosure () -> String, logger: Logger, reset: () -> Void,
                         _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch {
                guard attempt < attempts, let state = sqlState(error), retriable.contains(state) else { throw error }
                logger.notice("load batch collided with another worker's transaction; retrying it",
                              metadata: ["load.batch": "\(what())", "sqlstate": "\(state)", "attempt": "\(attempt)"])
                reset()
                usleep(UInt32.random(in: 10_000...60_000) * UInt32(attempt))
                attempt += 1
            }
        }
    }
}
