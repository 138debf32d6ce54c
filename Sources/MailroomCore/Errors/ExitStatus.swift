/// The process exit codes, shared by every command. The README's exit-code table is this list.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    /// A bug in Mailroom: the message says what was being done.
    case internalError = 1
    /// Bad command line or pipeline file (every problem listed, with file and line).
    case usage = 2
    /// An input is missing, unreadable or corrupt: mailbox path, contacts file, a run directory's stage file.
    case input = 3
    /// The CRM store cannot be used: not a Mailroom store, a newer schema, failed integrity check.
    case store = 4
    /// Local I/O failed: disk full, read-only location, permission denied.
    case localIO = 5
    /// Another Mailroom process holds the lock on the store or run directory.
    case locked = 6
    /// `review` found problems (each is named).
    case reviewFailed = 7
    /// Some mailboxes or folders succeeded and others failed (each is named).
    case partial = 8
    /// The mailbox is disconnected: sync and backfill are refused.
    case disconnected = 9
    /// Host: the name does not resolve or the host cannot be reached.
    case host = 10
    /// Port: connection refused or timed out at that port.
    case port = 11
    /// Encryption: TLS handshake, certificate or STARTTLS failed.
    case tls = 12
    /// Username or app password (or token) rejected by the server.
    case auth = 13
    /// A folder named in the pipeline does not exist on the server.
    case folder = 14
    /// The source changed under us (IMAP UIDVALIDITY) and the mapping could not be confirmed.
    case sourceChanged = 15
    /// The server or network kept failing after the allowed retries (timeouts, throttling, BYE).
    case network = 16
    /// OAuth2: the token endpoint refused the refresh token (`invalid_grant`): revoked or expired, reconnect the account.
    case oauthGrant = 17
    /// OAuth2: the token endpoint refused the client (`invalid_client`, `unauthorized_client`): the client id or secret.
    case oauthClient = 18
    /// OAuth2: the scope or consent (`invalid_scope`, `consent_required`, `interaction_required`, `access_denied`).
    case oauthScope = 19
    /// OAuth2: the token endpoint answered with an HTTP status or a reply that is not a token (another OAuth error,
    /// not JSON, no access token), or kept failing (5xx, 429, timeouts) after the retries.
    case tokenEndpoint = 20
    /// Stopped by SIGINT (Ctrl-C) at the next safe point: nothing half-written kept, the run log says so.
    case interrupted = 130
    /// Stopped by SIGTERM at the next safe point, as for SIGINT.
    case terminated = 143

    /// Short name used in run logs and JSON output.
    public var name: String {
        switch self {
        case .ok: return "ok"
        case .internalError: return "internal-error"
        case .usage: return "usage"
        case .input: return "input"
        case .store: return "store"
        case .localIO: return "local-io"
        case .locked: return "locked"
        case .reviewFailed: return "review-failed"
        case .partial: return "partial"
        case .disconnected: return "disconnected"
        case .host: return "host"
        case .port: return "port"
        case .tls: return "tls"
        case .auth: return "auth"
        case .folder: return "folder"
        case .sourceChanged: return "source-changed"
        case .network: return "network"
        case .oauthGrant: return "oauth-grant"
        case .oauthClient: return "oauth-client"
        case .oauthScope: return "oauth-scope"
        case .tokenEndpoint: return "token-endpoint"
        case .interrupted: return "interrupted"
        case .terminated: return "terminated"
        }
    }
}

/// What can be done about an error: stop, try again, or leave the one record or file out and go on.
public enum ErrorCategory: String, Sendable, CaseIterable {
    /// Retrying cannot help: the command stops with the error's exit code.
    case fatal
    /// The server or network failed in a way that may pass (a timeout, a dropped connection, `[THROTTLED]`,
    /// BYE, a refused connection once one has worked): retried with backoff up to the allowed retries.
    case retriable
    /// Only one record or file is affected: it is left out (quarantined, skipped) and the run goes on.
    case skippable

    /// The category of an error with `status` when its thrower says nothing else: network, host and port
    /// failures are retriable, everything else fatal.
    public static func of(_ status: ExitStatus) -> ErrorCategory {
        switch status {
        case .network, .host, .port: return .retriable
        default: return .fatal
        }
    }
}

/// A run error: stops the command unless its `category` says otherwise. `message` is one line a person can act on
/// (what is wrong, where, what to check); `location` names the file, line, host or folder when there is one.
public struct MailroomError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String
    public var location: String?
    /// Whether the caller may retry (`retriable`), leave the record out (`skippable`) or must stop (`fatal`).
    /// Retry decisions read this, never the exit code alone.
    public var category: ErrorCategory
    /// The underlying error, when there is one (an errno, the IMAP protocol error, a SQLite error): for logs and
    /// callers that look deeper. Not part of `description`; the message says what a person needs.
    public var cause: (any Error)?

    /// `category` defaults to `ErrorCategory.of(status)`.
    public init(_ status: ExitStatus, _ message: String, location: String? = nil, category: ErrorCategory? = nil,
                cause: (any Error)? = nil) {
        self.status = status
        self.message = message
        self.location = location
        self.category = category ?? ErrorCategory.of(status)
        self.cause = cause
    }

    /// `location: message` on one line (newlines in the message are folded).
    public var description: String {
        let m = message.replacingOccurrences(of: "\n", with: " ")
        if let location { return "\(location): \(m)" }
        return m
    }
}
