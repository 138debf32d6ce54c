import Foundation
import MailroomCore

extension IMAPExtractor {
    /// Runs `body` with a logged-in session, reconnecting and retrying with backoff when the network fails
    /// (timeouts, dropped connections, BYE, `[THROTTLED]`/`[UNAVAILABLE]`). Refused connections and unknown
    /// hosts are retried only once a connection has worked in this run (the server went away); before that
    /// they are configuration errors. After the allowed retries: `.network`. A protocol violation (a hostile or
    /// broken server) is `fatal`, not retried: the same answer would come again.
    ///
    /// With OAuth2 (`endpoint.tokenSource`), a session whose access token is about to expire is closed and
    /// reopened with a new token before `body` runs, and a failure after the token expired (the server dropped
    /// the session) reopens it at once: neither counts as a retry while batches are committed in between (a
    /// reopen without progress since the previous one does, with its backoff).
    func withSession<T>(_ body: (IMAPSession) throws -> T) throws -> T {
        var attempt = 0
        var progressAtRenewal = -1
        while true {
            do {
                if session != nil, endpoint.tokenSource?.needsRenewal == true { throw OAuthRenewalDue() }
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
            } catch is SessionReopenDue {
                // After a wait for the next day's download allowance: a new session, no retry counted.
                continue
            } catch let e where isTokenRenewal(e) {
                session?.logout()
                session = nil
                tokenReconnects += 1
                logger.info("IMAP reconnecting with a new OAuth2 access token", metadata: ["mailbox": "\(mailbox)"])
                if committedBatches != progressAtRenewal {
                    progressAtRenewal = committedBatches
                    continue
                }
                // No progress since the last new token: count it as a retry (an endpoint issuing tokens that expire
                // at once, a server that drops every session).
                attempt += 1
                guard let delay = options.retry.delay(beforeRetry: attempt) else {
                    throw MailroomError(.network, "mailbox \(mailbox): gave up after \(options.retry.maxRetries) retries: the server kept closing the session although each login used a new OAuth2 access token; the work done so far is checkpointed, run the command again to resume",
                                        location: endpoint.address, cause: e)
                }
                try wait(delay)
            } catch let e as MailroomError where isRetriable(e) {
                session?.connection.close()
                session = nil
                attempt += 1
                guard var delay = options.retry.delay(beforeRetry: attempt) else {
                    throw MailroomError(e.status == .tokenEndpoint ? .tokenEndpoint : .network, "mailbox \(mailbox): gave up after \(options.retry.maxRetries) retries: \(e.message); the work done so far is checkpointed, run the command again to resume",
                                        location: e.location ?? endpoint.address, cause: e)
                }
                // Exchange Online says how long to back off ("Suggested Backoff Time: N milliseconds"): at least that.
                if case .refused(_, _, _, let text)? = e.cause as? IMAPFailure, let suggested = IMAPThrottling.suggestedBackoff(text) {
                    delay = max(delay, min(suggested, options.retry.maxDelay))
                }
                logger.warning("IMAP retry", metadata: ["mailbox": "\(mailbox)", "attempt": "\(attempt)",
                                                        "delay": "\(delay)", "error": "\(e.status.name)"])
                try wait(delay)
            }
        }
    }

    /// A renewal due before the next command, or a retriable failure (a dropped session, BYE) after the OAuth2
    /// access token expired: the server ended the session for the token.
    func isTokenRenewal(_ e: any Error) -> Bool {
        if e is OAuthRenewalDue { return true }
        guard let source = endpoint.tokenSource, let m = e as? MailroomError, m.status == .network, isRetriable(m) else { return false }
        return source.hasExpired
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


/// Thrown before a command when the session's OAuth2 access token is within its renewal margin: `withSession`
/// reopens the session with a new token and runs its body again (which resumes from the last committed batch).
struct OAuthRenewalDue: Error {}

/// Thrown after a long wait (the next day of a download allowance) with the session already closed: `withSession`
/// opens a new one and runs its body again, which resumes from the last committed batch. Not a retry.
struct SessionReopenDue: Error {}
