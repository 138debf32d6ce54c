import Testing
import MailroomCore

/// `oauth:` in the pipeline file (issue 16 §1): presets per provider, and a clear one-line error naming the key
/// for every mistake; the refresh-token grant's body, reply and errors.
struct OAuthConfigTests {
    static func yaml(_ mailbox: [String]) -> String {
        (["name: p", "ownDomains: [example.com]", "mailbox:", "  source: imap", "  username: dana@example.com"]
            + mailbox.map { "  " + $0 }).joined(separator: "\n") + "\n"
    }

    static func parse(_ mailbox: [String]) throws(ConfigError) -> IMAPSettings {
        try PipelineConfig.parse(yaml: yaml(mailbox), file: "p.yml").mailboxes[0].imap!
    }

    static func problems(_ mailbox: [String]) -> String {
        do {
            _ = try PipelineConfig.parse(yaml: yaml(mailbox), file: "p.yml")
            return ""
        } catch {
            return error.description
        }
    }

    @Test func gmailPresetsTheTokenEndpointAndScope() throws {
        let s = try Self.parse(["provider: gmail", "auth: xoauth2",
                                "oauth: {clientId: abc.apps.googleusercontent.com, clientSecret: file:client.txt, refreshToken: file:refresh.txt}"])
        let o = try #require(s.oauth)
        #expect(o.tokenURL == "https://oauth2.googleapis.com/token")
        #expect(o.scope == "https://mail.google.com/")
        #expect(o.clientSecret == .file("client.txt"))
        #expect(o.refreshToken == .file("refresh.txt"))
        // The refresh token's reference stands for the mailbox's credentials (the store's credentials_ref).
        #expect(s.secret == .file("refresh.txt"))
        #expect(s.host == "imap.gmail.com")
    }

    @Test func outlookPresetsTheTenantsEndpointCommonByDefault() throws {
        let common = try Self.parse(["provider: outlook", "auth: xoauth2", "oauth: {clientId: c, refreshToken: env:RT}"])
        #expect(common.oauth?.tokenURL == "https://login.microsoftonline.com/common/oauth2/v2.0/token")
        #expect(common.oauth?.scope == "https://outlook.office.com/IMAP.AccessAsUser.All offline_access")
        #expect(common.oauth?.clientSecret == nil)
        let tenant = try Self.parse(["provider: outlook", "auth: xoauth2",
                                     "oauth: {tenant: contoso.onmicrosoft.com, clientId: c, refreshToken: env:RT}"])
        #expect(tenant.oauth?.tokenURL == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
    }

    @Test func aGenericProviderNeedsTheTokenURLAndScope() throws {
        let p = Self.problems(["host: imap.example.com", "auth: xoauth2", "oauth: {clientId: c, refreshToken: env:RT}"])
        #expect(p.contains("missing key 'tokenUrl' in 'oauth' of mailbox 'default'"), "\(p)")
        #expect(p.contains("missing key 'scope' in 'oauth' of mailbox 'default'"), "\(p)")
        let s = try Self.parse(["host: 127.0.0.1", "security: none", "auth: xoauth2",
                                "oauth: {tokenUrl: 'http://127.0.0.1:8080/token', clientId: c, refreshToken: env:RT, scope: imap, caFile: ca.pem}"])
        #expect(s.oauth?.tokenURL == "http://127.0.0.1:8080/token")
        #expect(s.oauth?.caFile == "ca.pem")
    }

    @Test func eachMistakeIsOneLineNamingTheKeyAndNeverTheValue() {
        func check(_ mailbox: [String], _ expected: String) {
            let p = Self.problems(mailbox)
            #expect(p.contains(expected), "\(p)")
            #expect(!p.contains("\n"), "\(p)")
        }
        check(["provider: gmail", "auth: xoauth2", "secret: env:T", "oauth: {clientId: c, refreshToken: env:RT}"],
              "use either 'secret' (an access token or password) or 'oauth'")
        check(["provider: gmail", "oauth: {clientId: c, refreshToken: env:RT}"], "'oauth' in mailbox 'default' needs 'auth: xoauth2'")
        check(["provider: gmail", "auth: xoauth2", "oauth: {clientId: c, refreshToken: 'cmd:helper s3cretarg'}"],
              "'refreshToken' in 'oauth' of mailbox 'default' must be env:NAME or file:PATH")
        check(["provider: gmail", "auth: xoauth2", "oauth: {clientId: c, refreshToken: 1//0gRefreshTokenText}"],
              "'refreshToken' in 'oauth' of mailbox 'default' must be env:NAME or file:PATH")
        check(["provider: gmail", "auth: xoauth2", "oauth: {clientId: c, clientSecret: GOCSPX-secret, refreshToken: env:RT}"],
              "'clientSecret' in 'oauth' of mailbox 'default' must be env:NAME, file:PATH or cmd:PROGRAM")
        check(["provider: gmail", "auth: xoauth2", "oauth: {refreshToken: env:RT}"], "missing key 'clientId' in 'oauth' of mailbox 'default'")
        check(["provider: gmail", "auth: xoauth2", "oauth: {clientId: c}"], "missing key 'refreshToken' in 'oauth' of mailbox 'default'")
        check(["provider: gmail", "auth: xoauth2", "oauth: {tenant: x, clientId: c, refreshToken: env:RT}"],
              "'tenant' in 'oauth' of mailbox 'default' applies only to provider: outlook")
        check(["provider: outlook", "auth: xoauth2", "oauth: {tenant: 'a/b', clientId: c, refreshToken: env:RT}"],
              "'tenant' in 'oauth' of mailbox 'default' must be a tenant id")
        check(["provider: gmail", "auth: xoauth2", "oauth: {tokenUrl: 'http://10.0.0.5/token', clientId: c, refreshToken: env:RT}"],
              "'tokenUrl' in 'oauth' of mailbox 'default' uses http:// to a host that is not loopback")
        check(["provider: gmail", "auth: xoauth2", "oauth: {tokenUrl: 'ftp://x/token', clientId: c, refreshToken: env:RT}"],
              "'tokenUrl' in 'oauth' of mailbox 'default' must start with https://")
        check(["provider: gmail", "auth: xoauth2", "oauth: {clientld: c, clientId: c, refreshToken: env:RT}"],
              "unknown key 'clientld' in 'oauth' of mailbox 'default' (did you mean 'clientId'?)")
        // Without oauth, secret stays required.
        check(["provider: gmail", "auth: xoauth2"], "missing key 'secret' in mailbox 'default'")
        #expect(!Self.problems(["provider: gmail", "auth: xoauth2", "oauth: {clientId: c, clientSecret: GOCSPX-secret, refreshToken: env:RT}"]).contains("GOCSPX"))
    }

    @Test func theGrantBodyIsFormEncoded() {
        let body = String(decoding: OAuthGrant.body(refreshToken: "1//0g+a/b=", clientId: "id.apps", clientSecret: "s&t",
                                                    scope: "https://mail.google.com/ offline_access"), as: UTF8.self)
        #expect(body == "grant_type=refresh_token&refresh_token=1%2F%2F0g%2Ba%2Fb%3D&client_id=id.apps&client_secret=s%26t&scope=https%3A%2F%2Fmail.google.com%2F+offline_access")
        #expect(!String(decoding: OAuthGrant.body(refreshToken: "r", clientId: "c", clientSecret: nil, scope: ""), as: UTF8.self).contains("client_secret"))
    }

    @Test func theReplyIsReadFromBytesAndItsDescriptionHoldsNoToken() throws {
        let ok = try #require(OAuthTokenReply.parse(Array(#"{"access_token":"ya29.AAA","expires_in":3599,"refresh_token":"1//new","token_type":"Bearer"}"#.utf8)))
        #expect(ok.accessToken == "ya29.AAA" && ok.expiresIn == 3599 && ok.refreshToken == "1//new" && ok.error == nil)
        #expect(!ok.description.contains("ya29") && !ok.description.contains("1//new"))
        let asText = OAuthTokenReply.parse(Array(#"{"access_token":"t","expires_in":"3600"}"#.utf8))
        #expect(asText?.expiresIn == 3600)
        let err = OAuthTokenReply.parse(Array(#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#.utf8))
        #expect(err?.error == "invalid_grant" && err?.errorDescription == "Token has been expired or revoked.")
        #expect(OAuthTokenReply.parse(Array("<html>".utf8)) == nil)
    }

    @Test func eachGrantErrorHasItsOwnExitCode() {
        func status(_ code: String) -> MailroomCore.ExitStatus {
            OAuthGrantFailure.classify(error: code, description: nil, httpStatus: 400, endpoint: "e:443", mailbox: "m").status
        }
        #expect(status("invalid_grant") == .oauthGrant)
        #expect(status("invalid_client") == .oauthClient)
        #expect(status("unauthorized_client") == .oauthClient)
        #expect(status("invalid_scope") == .oauthScope)
        #expect(status("consent_required") == .oauthScope)
        #expect(status("temporarily_unavailable") == .tokenEndpoint)
        #expect([MailroomCore.ExitStatus.oauthGrant, .oauthClient, .oauthScope, .tokenEndpoint].map(\.rawValue) == [17, 18, 19, 20])
        let grant = OAuthGrantFailure.classify(error: "invalid_grant", description: "bad\u{1B}[2J", httpStatus: 400, endpoint: "e:443", mailbox: "m")
        #expect(grant.message.contains("the refresh token was revoked or expired: reconnect the account"))
        #expect(grant.message.contains("\\x1B[2J"))
    }

    @Test func renewalComesInTheLastMinuteOrTenthOfTheLifetime() {
        #expect(OAuthGrant.renewalMargin(lifetime: 3600) == 60)
        #expect(OAuthGrant.renewalMargin(lifetime: 2) == 0.2)
        #expect(!OAuthGrant.shouldRenew(remaining: 61, lifetime: 3600))
        #expect(OAuthGrant.shouldRenew(remaining: 59, lifetime: 3600))
        #expect(OAuthGrant.shouldRenew(remaining: 0.1, lifetime: 2))
        #expect(!OAuthGrant.shouldRenew(remaining: 1, lifetime: 2))
    }
}
