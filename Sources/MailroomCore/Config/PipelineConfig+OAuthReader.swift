import Yams

extension PipelineConfig {
    static let oauthKeys = ["tokenUrl", "tenant", "clientId", "clientSecret", "refreshToken", "scope", "caFile"]
}

extension ConfigReader {
    /// `oauth:` of an IMAP mailbox: `tokenUrl` and `scope` (preset for `provider: gmail` and `outlook`, the latter
    /// with `tenant`), `clientId`, `clientSecret` (`env:`, `file:` or `cmd:`; optional), `refreshToken` (`env:` or
    /// `file:`), `caFile`. Secrets are never echoed in an error.
    mutating func oauthSettings(_ node: Node, provider: IMAPProvider, context ctx: String) -> OAuthSettings? {
        let before = issues.count
        let outer = container
        container = node
        defer { container = outer }
        let c = "'oauth' of \(ctx)"
        let e = entries(node, allowed: PipelineConfig.oauthKeys, context: c)
        guard case .mapping = node else { return nil }
        let tenant = string(e, "tenant", required: false, context: c)
        if let tenant, let t = e["tenant"] {
            if provider != .outlook {
                add(t.key, "'tenant' in \(c) applies only to provider: outlook (Microsoft's token endpoint)")
            } else if e["tokenUrl"] != nil {
                add(t.key, "'tenant' in \(c) is part of the preset token endpoint: give either 'tenant' or 'tokenUrl', not both")
            } else if tenant.isEmpty || tenant.utf8.count > 100
                        || !tenant.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) {
                add(t.value, "'tenant' in \(c) must be a tenant id (a GUID), a domain such as contoso.onmicrosoft.com, or common, organizations or consumers")
            }
        }
        let preset = OAuthSettings.preset(provider, tenant: tenant)
        var tokenURL = preset?.tokenURL
        if let text = string(e, "tokenUrl", required: preset == nil, context: c) {
            switch OAuthTokenURL.parse(text) {
            case .success: tokenURL = text
            case .failure(let p): add(e["tokenUrl"]?.value, "'tokenUrl' in \(c) \(p)"); tokenURL = nil
            }
        }
        let clientId = string(e, "clientId", required: true, context: c)
        if let id = clientId, id.contains(where: { $0.isNewline || $0 == "\0" }) {
            add(e["clientId"]?.value, "'clientId' in \(c) must be one line")
        }
        var clientSecret: SecretReference?
        if let text = string(e, "clientSecret", required: false, context: c) {
            switch SecretReference.parse(text) {
            case .success(let r): clientSecret = r
            case .failure(let p): add(e["clientSecret"]?.value, "'clientSecret' in \(c) \(p)")
            }
        }
        var refreshToken: SecretReference?
        if let text = string(e, "refreshToken", required: true, context: c) {
            switch SecretReference.parse(text) {
            case .success(.command):
                add(e["refreshToken"]?.value, "'refreshToken' in \(c) must be env:NAME or file:PATH (a rotated refresh token is written back to its file; a command cannot take it back)")
            case .success(let r): refreshToken = r
            case .failure:
                add(e["refreshToken"]?.value, "'refreshToken' in \(c) must be env:NAME or file:PATH (the refresh token itself never goes in the pipeline file)")
            }
        }
        let scope = string(e, "scope", required: preset == nil, context: c) ?? preset?.scope
        let caFile = string(e, "caFile", required: false, context: c)
        guard issues.count == before, let tokenURL, let clientId, let refreshToken, let scope else { return nil }
        return OAuthSettings(tokenURL: tokenURL, clientId: clientId, clientSecret: clientSecret,
                             refreshToken: refreshToken, scope: scope, caFile: caFile)
    }
}
