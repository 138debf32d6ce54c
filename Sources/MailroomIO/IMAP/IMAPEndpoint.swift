import MailroomCore

/// Everything needed to open one IMAP connection. Built from the pipeline's `IMAPSettings` and the secret
/// (which never leaves this value: `description` leaves it out).
public struct IMAPEndpoint: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var security: IMAPSecurity
    public var username: String
    public var auth: IMAPAuth
    /// Absolute path of a CA bundle to trust instead of the system's.
    public var caFile: String?
    public var provider: IMAPProvider
    /// Connect, TLS and login must finish within this many milliseconds.
    public var connectTimeoutMs: Int
    /// A read or write that makes no progress for this long fails (and is retried).
    public var ioTimeoutMs: Int
    var secret: String
    /// With `secret: cmd:`, runs the command again for a fresh secret after the server rejected this one
    /// (`IMAPConnection.open`); nil for `env:` and `file:`.
    var rereadSecret: (@Sendable () throws -> String)?
    /// With `oauth:`, where access tokens come from: `IMAPConnection.open` logs in with its current token, and
    /// with a renewed one after a rejection; the extract reconnects before it expires.
    public var tokenSource: OAuthTokenSource?

    public init(host: String, port: Int, security: IMAPSecurity, username: String, secret: String,
                auth: IMAPAuth = .password, caFile: String? = nil, provider: IMAPProvider = .generic,
                connectTimeoutMs: Int = 30_000, ioTimeoutMs: Int = 120_000) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.secret = secret
        self.auth = auth
        self.caFile = caFile
        self.provider = provider
        self.connectTimeoutMs = connectTimeoutMs
        self.ioTimeoutMs = ioTimeoutMs
    }

    /// From pipeline settings; `caFile` is resolved against `baseDirectory` (the pipeline file's folder).
    public init(_ s: IMAPSettings, secret: String, baseDirectory: String) {
        var ca = s.caFile
        if let c = ca, !c.hasPrefix("/") { ca = baseDirectory + "/" + c }
        self.init(host: s.host, port: s.port, security: s.security, username: s.username, secret: secret,
                  auth: s.auth, caFile: ca, provider: s.provider)
    }

    /// `imaps://host:port/` for implicit TLS, else `imap://host:port/`.
    public var url: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(security == .tls ? "imaps" : "imap")://\(h):\(port)/"
    }

    /// The host is an IP literal in 127.0.0.0/8, ::1 or ::ffff:127.x.x.x (a name says nothing by itself: plain
    /// IMAP checks the addresses it resolves to, `checkedPlaintextAddresses()`).
    public var isLoopback: Bool {
        if case .success(.address(let a)) = IMAPHost.check(host) { return IMAPHost.isLoopback(a) }
        return false
    }

    /// `host:port`, for messages.
    public var address: String { "\(host):\(port)" }

    public var description: String { "\(url) (\(security.rawValue), auth \(auth.rawValue))" }
}
