/// A mailbox's OAuth2 refresh-token settings (`oauth:` beside `auth: xoauth2`): Mailroom obtains access tokens
/// itself by the refresh-token grant. The values themselves are never in the pipeline file: the client secret
/// and the refresh token are references (`env:`, `file:`; the client secret also `cmd:`).
public struct OAuthSettings: Sendable, Equatable {
    /// The token endpoint (`https://…`; `http://` only to a loopback host, checked on its addresses).
    public var tokenURL: String
    public var clientId: String
    /// nil for a public client (no secret).
    public var clientSecret: SecretReference?
    /// `env:NAME` or `file:PATH`; a rotated refresh token is written back to a `file:`.
    public var refreshToken: SecretReference
    /// Space-separated scopes sent with the grant.
    public var scope: String
    /// CA bundle to trust for the token endpoint instead of the system's (relative to the pipeline file).
    public var caFile: String?

    public init(tokenURL: String, clientId: String, clientSecret: SecretReference? = nil,
                refreshToken: SecretReference, scope: String, caFile: String? = nil) {
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.scope = scope
        self.caFile = caFile
    }

    /// Google's token endpoint (`provider: gmail`).
    public static let gmailTokenURL = "https://oauth2.googleapis.com/token"
    /// The scope Gmail's IMAP needs.
    public static let gmailScope = "https://mail.google.com/"
    /// Microsoft identity platform's v2.0 token endpoint for `tenant` (`provider: outlook`).
    public static func outlookTokenURL(tenant: String) -> String {
        "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/token"
    }
    /// Exchange Online IMAP, with `offline_access` so that refresh tokens keep coming.
    public static let outlookScope = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
    /// The tenant when none is named: any work, school or personal account.
    public static let defaultTenant = "common"

    /// The preset token endpoint and scope of a provider (nil for `generic`).
    public static func preset(_ provider: IMAPProvider, tenant: String?) -> (tokenURL: String, scope: String)? {
        switch provider {
        case .gmail: return (gmailTokenURL, gmailScope)
        case .outlook: return (outlookTokenURL(tenant: tenant ?? defaultTenant), outlookScope)
        case .generic: return nil
        }
    }
}
