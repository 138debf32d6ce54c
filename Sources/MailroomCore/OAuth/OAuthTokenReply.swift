/// The token endpoint's JSON answer to a refresh-token grant (RFC 6749 §5.1, §5.2): an access token with its
/// lifetime and perhaps a rotated refresh token, or an error code. Read from bytes; never printed (it holds
/// tokens): `description` names only what it carries.
public struct OAuthTokenReply: Sendable, Equatable, CustomStringConvertible {
    public var accessToken: String?
    /// Seconds the access token lives (`expires_in`; a number or a numeric string, as some servers send).
    public var expiresIn: Int?
    /// A new refresh token: the provider rotated it, and the old one may stop working.
    public var refreshToken: String?
    /// `error` (`invalid_grant`, `invalid_client`, `invalid_scope`, …).
    public var error: String?
    public var errorDescription: String?

    public init(accessToken: String? = nil, expiresIn: Int? = nil, refreshToken: String? = nil, error: String? = nil,
                errorDescription: String? = nil) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.error = error
        self.errorDescription = errorDescription
    }

    /// nil when `bytes` is not a JSON object.
    public static func parse(_ bytes: [UInt8]) -> OAuthTokenReply? {
        guard let value = try? JSONParser.parse(bytes), let o = value.objectValue else { return nil }
        func text(_ k: String) -> String? { o[k]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        var expires = o["expires_in"]?.intValue
        if expires == nil, let s = o["expires_in"]?.stringValue { expires = Int(s) }
        if expires == nil, case .double(let d)? = o["expires_in"], d.isFinite, d >= 0, d < 1e9 { expires = Int(d) }
        return OAuthTokenReply(accessToken: text("access_token"), expiresIn: expires, refreshToken: text("refresh_token"),
                               error: text("error"), errorDescription: text("error_description"))
    }

    public var description: String {
        "token reply (access token \(accessToken == nil ? "absent" : "present"), refresh token \(refreshToken == nil ? "absent" : "present"), error \(error ?? "none"))"
    }
}

/// What a refused grant means for the person running Mailroom: the exit status and the line to act on.
public enum OAuthGrantFailure {
    /// The status and message for an OAuth `error` code (with its `error_description`, sanitized and cut, which
    /// never holds a token) from the token endpoint at `endpoint` for mailbox `mailbox`.
    public static func classify(error code: String, description: String?, httpStatus: Int, endpoint: String,
                                mailbox: String) -> (status: ExitStatus, message: String) {
        let said = description.map { ": " + TerminalText.escaped(String($0.prefix(300))) } ?? ""
        let whose = "mailbox \(mailbox): the token endpoint \(endpoint) answered HTTP \(httpStatus) \(TerminalText.escaped(String(code.prefix(64))))\(said)"
        switch code {
        case "invalid_grant":
            return (.oauthGrant, "\(whose); the refresh token was revoked or expired: reconnect the account (sign in again for a new refresh token) and update the file or variable 'oauth.refreshToken' names")
        case "invalid_client", "unauthorized_client":
            return (.oauthClient, "\(whose); check the client id or secret ('oauth.clientId', 'oauth.clientSecret') and that the app registration allows the refresh-token grant")
        case "invalid_scope", "consent_required", "interaction_required", "access_denied":
            return (.oauthScope, "\(whose); the scope or consent: check 'oauth.scope' and that the account (or its administrator) consented to it; then sign in again for a new refresh token")
        default:
            return (.tokenEndpoint, "\(whose); check 'oauth.tokenUrl' and the app registration")
        }
    }
}
