import Foundation
import MailroomCore

extension IMAPExtractor {
    /// Runs `body` with a logged-in session, reconnecting and retrying with backoff when the network fails
    /// (timeouts, dropped connections, BYE, `[THROTTLED]`/`[UNAVAILABLE]`). Refused connections and unknown
    /// hosts are retried only once a connection has worked in this run (the server went away); before that
    /// they are configuration errors. After the allowed retries: `.network`. A protocol violation (a hostile or
    /// broken server) is `fatal`, not retried: the same answer would come again.
    func withSession<T>(_ body: (IMAPSession) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                let s: IMAPSession
                if let existing = session { s = existing } else {
                    s = try IMAPSession(endpoint)
                    endpoint = s.endpoint
                    if logger.logLevel <= .trace {
                        let l = logger
                        s.connection.trace = { line in l.trace("\(line)") }
                    }
                    session = s
                    everConnected = true
                }
                return try body(s)
            } catch let e as MailroomError where isRetriable(e) {
                session?.connection.close()
                session = nil
                attempt += 1
                guard let delay = options.retry.delay(beforeRetry: attempt) else {
                    throw MailroomError(.network, "mailbox \(mailbox): gave up after \(options.retry.maxRetries) retries: \(e.message); the work done so far is checkpointed, run the command again to resume",
                                        location: e.location ?? endpoint.address, cause: e)
                }
                logger.warning("IMAP retry", metadata: ["mailbox": "\(mailbox)", "attempt": "\(attempt)",
                                                        "delay": "\(delay)", "error": "\(e.status.name)"])
                try wait(delay)
            }
        }
    }

    /// A `retriable` error is retried, except that an unknown host or a refused port is a configuration error
    /// until a connection has worked in this run.
    func isRetriable(_ e: MailroomError) -> Bool {
        guard e.category == .retriable else { return false }
        switch e.status {
        case .port, .host: return everConnected
        default: return true
        }
    }
}
