import MailroomCore

extension MailboxProbe {
    /// The token endpoint and grant steps of `mailbox test` for a mailbox with `oauth:`: one refresh-token grant
    /// (the access token it gives is the one the login step uses). Returns the finished report when a step
    /// failed, nil when both passed. No token, refresh token or client secret appears in a step.
    static func grantSteps(_ source: OAuthTokenSource, _ r: inout Report) -> Report? {
        let url = source.endpointText
        func fail(_ step: Step, _ e: MailroomError, check: String) -> Report {
            r.steps.append(StepResult(step: step, ok: false, detail: e.message))
            r.failure = e
            r.check = check
            return r
        }
        do {
            _ = try source.currentToken()
        } catch let e as MailroomError {
            switch e.status {
            case .oauthGrant, .oauthClient, .oauthScope:
                r.steps.append(StepResult(step: .tokenEndpoint, ok: true, detail: "\(url) answered HTTP \(source.lastHTTPStatus.map(String.init) ?? "?")"))
                let check: String
                switch e.status {
                case .oauthGrant: check = "refresh token: it was revoked or expired; reconnect the account (sign in again) and save the new refresh token where 'oauth.refreshToken' says"
                case .oauthClient: check = "client id and secret ('oauth.clientId', 'oauth.clientSecret') of the app registration"
                default: check = "scope and consent ('oauth.scope'; the account or its administrator must consent to it)"
                }
                return fail(.grant, e, check: check)
            case .auth:
                // The refresh token or client secret could not be read (unset variable, file mode, failing command).
                return fail(.grant, e, check: Step.grant.check(.xoauth2))
            default:
                return fail(.tokenEndpoint, e, check: Step.tokenEndpoint.check(.xoauth2))
            }
        } catch {
            return fail(.tokenEndpoint, MailroomError(.internalError, "\(error)"), check: Step.tokenEndpoint.check(.xoauth2))
        }
        r.steps.append(StepResult(step: .tokenEndpoint, ok: true, detail: "\(url) answered HTTP \(source.lastHTTPStatus.map(String.init) ?? "?")"))
        let left = source.secondsLeft.map { " valid for \(Int($0.rounded())) s" } ?? ""
        r.steps.append(StepResult(step: .grant, ok: true, detail: "access token issued\(left)" + (source.lastRotation.map { "; \($0)" } ?? "")))
        return nil
    }
}
