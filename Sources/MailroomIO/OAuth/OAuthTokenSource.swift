import Foundation
import Logging
import MailroomCore

/// A mailbox's OAuth2 access tokens, obtained by the refresh-token grant (`oauth:` in the pipeline) and kept in
/// memory only. Renews a token before it expires (`OAuthGrant.shouldRenew`) and on demand after the server
/// rejected one; writes a rotated refresh token back to the `file:` it came from (atomically, 0600), and warns
/// once that one from `env:` cannot be saved. No value it holds ever reaches a message or a log.
///
/// Used from one thread at a time (an extract's, a command's); the lock makes a stray second caller safe.
public final class OAuthTokenSource: @unchecked Sendable {  // safe: every mutable field is read and written under `lock`
    public let settings: OAuthSettings
    let mailbox: String
    let url: OAuthTokenURL
    let baseDirectory: String
    let environment: [String: String]
    let logger: Logger
    /// Milliseconds the whole POST may take.
    var timeoutMs: Int
    private let lock = NSLock()
    private var refreshToken: String?
    private var clientSecret: String??
    private var accessToken: String?
    /// Monotonic seconds (`now()`) at which the access token expires, and its lifetime.
    private var expiresAt = 0.0
    private var lifetime = 0.0
    private var warnedUnsaved = false
    /// How many grants were made (tests, `mailbox test`).
    public private(set) var grants = 0
    /// What the last grant did with a rotated refresh token, for `mailbox test`: nil (not rotated), "saved to …",
    /// "not saved (…)".
    public private(set) var lastRotation: String?
    /// The HTTP status of the last answer from the token endpoint (nil before one).
    public private(set) var lastHTTPStatus: Int?

    public init(_ settings: OAuthSettings, mailbox: String, baseDirectory: String,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "mailroom.oauth"), timeoutMs: Int = 30_000) throws {
        guard let url = OAuthTokenURL(settings.tokenURL) else {
            throw MailroomError(.usage, "mailbox \(mailbox): 'oauth.tokenUrl' is not a URL Mailroom can use", location: settings.tokenURL)
        }
        self.settings = settings
        self.mailbox = mailbox
        self.url = url
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.logger = logger
        self.timeoutMs = timeoutMs
    }

    /// The one source of a mailbox in this process: every connection of a run (listing, extract, the newest-
    /// message check) shares its access token, and a rotated refresh token is not read again from where it
    /// came (an environment variable still holding the old one).
    public static func shared(_ settings: OAuthSettings, mailbox: String, baseDirectory: String,
                              environment: [String: String]) throws -> OAuthTokenSource {
        let key = [baseDirectory, mailbox, settings.tokenURL, settings.clientId, settings.refreshToken.description,
                   settings.scope].joined(separator: "\u{0}")
        registryLock.lock(); defer { registryLock.unlock() }
        if let s = registry[key] { return s }
        let s = try OAuthTokenSource(settings, mailbox: mailbox, baseDirectory: baseDirectory, environment: environment)
        registry[key] = s
        return s
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: OAuthTokenSource] = [:]  // safe: only under registryLock

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The token endpoint's URL, for messages (holds no secret).
    public var endpointText: String { url.text }

    /// A valid access token: the one held while it has more than the renewal margin left, else a new one.
    public func currentToken() throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let t = accessToken, !OAuthGrant.shouldRenew(remaining: expiresAt - Self.now(), lifetime: lifetime) { return t }
        return try grantLocked()
    }

    /// A new access token, whatever the held one's lifetime (after the server rejected it).
    public func renewedToken() throws -> String {
        lock.lock(); defer { lock.unlock() }
        return try grantLocked()
    }

    /// Whether the held token is within its renewal margin (or there is none): reconnect with a new one before
    /// the next command.
    public var needsRenewal: Bool {
        lock.lock(); defer { lock.unlock() }
        guard accessToken != nil else { return true }
        return OAuthGrant.shouldRenew(remaining: expiresAt - Self.now(), lifetime: lifetime)
    }

    /// Whether the held token's lifetime is over: a dropped connection now is the token's doing.
    public var hasExpired: Bool {
        lock.lock(); defer { lock.unlock() }
        return accessToken != nil && Self.now() >= expiresAt
    }

    /// Seconds the held token has left (negative once expired; nil without one).
    public var secondsLeft: Double? {
        lock.lock(); defer { lock.unlock() }
        return accessToken == nil ? nil : expiresAt - Self.now()
    }

    private func grantLocked() throws -> String {
        let owner = "mailbox \(mailbox)"
        if refreshToken == nil {
            refreshToken = try IMAPSecret.load(settings.refreshToken, baseDirectory: baseDirectory, owner: "\(owner) ('oauth.refreshToken')",
                                               environment: environment)
        }
        if clientSecret == nil {
            clientSecret = .some(try settings.clientSecret.map {
                try IMAPSecret.load($0, baseDirectory: baseDirectory, owner: "\(owner) ('oauth.clientSecret')", environment: environment)
            })
        }
        let form = OAuthGrant.body(refreshToken: refreshToken!, clientId: settings.clientId, clientSecret: clientSecret!,
                                   scope: settings.scope)
        var caFile = settings.caFile
        if let c = caFile, !c.hasPrefix("/") { caFile = baseDirectory + "/" + c }
        let started = Self.now()
        let answer = try TokenEndpointClient.post(url, form: form, caFile: caFile, timeoutMs: timeoutMs, mailbox: mailbox)
        grants += 1
        lastHTTPStatus = answer.status
        let at = "the token endpoint \(url.host):\(url.port)"
        let reply = OAuthTokenReply.parse(answer.body)
        if let error = reply?.error {
            let (status, message) = OAuthGrantFailure.classify(error: error, description: reply?.errorDescription,
                                                               httpStatus: answer.status, endpoint: "\(url.host):\(url.port)", mailbox: mailbox)
            throw MailroomError(status, message, location: url.text)
        }
        guard (200..<300).contains(answer.status) else {
            // 5xx and 429 may pass: retried by the caller's policy; anything else is the endpoint or the URL.
            let passing = answer.status >= 500 || answer.status == 429
            throw MailroomError(.tokenEndpoint, "mailbox \(mailbox): \(at) answered HTTP \(answer.status)\(reply == nil ? " without a JSON reply" : ""); \(passing ? "the provider is failing or throttling: try again later" : "check 'oauth.tokenUrl'")",
                                location: url.text, category: passing ? .retriable : .fatal)
        }
        guard let reply, let token = reply.accessToken else {
            throw MailroomError(.tokenEndpoint, "mailbox \(mailbox): \(at) answered HTTP \(answer.status) without an access token (\(reply == nil ? "not a JSON object" : "no access_token")); check 'oauth.tokenUrl'",
                                location: url.text, category: .fatal)
        }
        guard !token.contains(where: { $0.isNewline || $0 == "\0" || $0 == "\u{1}" }) else {
            throw MailroomError(.tokenEndpoint, "mailbox \(mailbox): \(at) issued an access token with control characters, which cannot be sent to the IMAP server",
                                location: url.text, category: .fatal)
        }
        accessToken = token
        lifetime = Double(reply.expiresIn ?? Int(OAuthGrant.defaultLifetime))
        expiresAt = started + lifetime
        lastRotation = nil
        if let rotated = reply.refreshToken, rotated != refreshToken {
            refreshToken = rotated
            saveRotated(rotated)
        }
        logger.debug("OAuth2 access token obtained", metadata: ["mailbox": "\(mailbox)", "expiresIn": "\(Int(lifetime))"])
        return token
    }

    /// Writes a rotated refresh token back where it came from: a `file:` atomically (temporary file beside it,
    /// 0600, renamed over the file a symbolic link points to); an `env:` variable cannot be changed for later
    /// runs: warned once. A failure to save is warned (the run goes on with the new token in memory).
    private func saveRotated(_ token: String) {
        switch settings.refreshToken {
        case .file(let path):
            let full = path.hasPrefix("/") ? path : baseDirectory + "/" + path
            var target = full
            if let resolved = realpath(full, nil) { target = String(cString: resolved); free(resolved) }
            do {
                try PrivateFiles.writeAtomically(Array((token + "\n").utf8), to: target, shown: full)
                lastRotation = "the provider rotated the refresh token; saved to \(full)"
                logger.info("OAuth2 refresh token rotated and saved", metadata: ["mailbox": "\(mailbox)", "file": "\(full)"])
            } catch {
                lastRotation = "the provider rotated the refresh token; it could not be saved to \(full)"
                logger.warning("mailbox \(mailbox): the provider rotated the OAuth2 refresh token and it could not be saved to \(full) (\(error)); this run goes on with the new one, but the next run may be refused: reconnect the account then")
            }
        case .env(let name):
            lastRotation = "the provider rotated the refresh token; not saved (it comes from the environment variable \(name))"
            if !warnedUnsaved {
                warnedUnsaved = true
                logger.warning("mailbox \(mailbox): the provider rotated the OAuth2 refresh token, which comes from the environment variable \(name) and cannot be saved; this run uses the new one, later runs may be refused (use 'refreshToken: file:PATH' so Mailroom can save it)")
            }
        case .command:
            break  // refused by the pipeline reader
        }
    }
}
