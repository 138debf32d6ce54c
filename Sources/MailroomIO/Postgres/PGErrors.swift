/// libpq's failures as run errors with the README's exit codes, the same categories IMAP uses for the network
/// (host 10, port 11, TLS 12, auth 13). Each names host, port, database and user; none holds the password or a
/// statement's parameters.
enum PGErrors {
    /// A connection attempt that failed; `message` is libpq's (several lines folded into one).
    static func connectFailed(_ message: String, target: PGTarget) -> MailroomError {
        let line = oneLine(message)
        let (status, advice) = classify(line)
        return MailroomError(status, "cannot connect to PostgreSQL (\(target)): \(line)\(advice)", location: target.location)
    }

    /// A statement the server refused, or a connection lost while it ran.
    static func queryFailed(message: String, sqlState: String, connectionLost: Bool, doing: String,
                            target: PGTarget) -> MailroomError {
        let line = oneLine(message)
        let state = sqlState.isEmpty ? "" : " (SQLSTATE \(sqlState))"
        let cause = PGServerError(sqlState: sqlState)
        if connectionLost || sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") {
            return MailroomError(.network, "cannot \(doing): the connection to PostgreSQL was lost (\(target)): \(line)\(state)",
                                 location: target.location, cause: cause)
        }
        let status: ExitStatus = switch sqlState {
        case "55P03", "40P01": .locked          // lock not available, deadlock
        case let s where s.hasPrefix("28"): .auth // invalid authorization
        case let s where s.hasPrefix("42501"): .auth // insufficient privilege
        default: .store
        }
        return MailroomError(status, "cannot \(doing) in PostgreSQL (\(target)): \(line)\(state)", location: target.location,
                             cause: cause)
    }

    /// The exit status for a connection failure, from libpq's message, with what to check.
    static func classify(_ message: String) -> (ExitStatus, String) {
        let m = message.lowercased()
        if m.contains("could not translate host name") || m.contains("name or service not known") {
            return (.host, "; check the host in 'store'")
        }
        if m.contains("password authentication failed") || m.contains("no password supplied")
            || m.contains("authentication failed") || m.contains("pg_hba.conf") || (m.contains("role") && m.contains("does not exist")) {
            return (.auth, "; check the user in 'store' and the password its 'secret' (or ~/.pgpass, PGPASSWORD) gives")
        }
        if m.contains("ssl") || m.contains("certificate") || m.contains("tls") {
            return (.tls, "; check sslmode and sslrootcert in 'store' (verify-full is the default for a host that is not loopback)")
        }
        if m.contains("network is unreachable") || m.contains("no route to host") {
            return (.host, "; check the host in 'store' and the network")
        }
        if m.contains("connection refused") || m.contains("no such file or directory") || m.contains("timeout expired")
            || m.contains("timed out") {
            return (.port, "; is the server running and accepting connections at that host and port?")
        }
        if m.contains("database") && m.contains("does not exist") {
            return (.store, "; create the database or fix its name in 'store'")
        }
        return (.store, "")
    }

    /// libpq's messages span lines (`\n\tIs the server running…`): one line, trimmed.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// The cause of a statement's failure: the server's SQLSTATE ("" when libpq failed before the server answered).
/// Retry decisions read it (`PGRetry`).
public struct PGServerError: Error, Sendable, Equatable {
    public var sqlState: String
}
