import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

extension MailboxProbe {
    static func imap(_ name: String, _ s: IMAPSettings, pipelineDirectory: String, environment: [String: String],
                     connectTimeoutMs: Int) -> Report {
        var r = Report(mailbox: name, steps: [])
        func fail(_ step: Step, _ error: MailroomError, detail: String? = nil) -> Report {
            r.steps.append(StepResult(step: step, ok: false, detail: detail ?? error.message))
            r.failure = error
            r.check = step.check(s.auth)
            return r
        }
        func pass(_ step: Step, _ detail: String) { r.steps.append(StepResult(step: step, ok: true, detail: detail)) }
        let at = "\(s.host):\(s.port)"

        // DNS (the resolver plain IMAP pins libcurl with)
        let addresses: [IMAPEndpoint.ResolvedAddress]
        switch IMAPEndpoint.resolve(s.host, port: s.port) {
        case .failure(let e):
            return fail(.dns, IMAPEndpoint.unresolvable(host: s.host, why: e.reason, at: at))
        case .success(let a):
            addresses = a
            pass(.dns, "\(s.host) → \(a.map(\.text).joined(separator: ", "))")
        }
        // Plain IMAP only to loopback: judged on the resolved addresses, before any connection is made to them.
        if s.security == .none, let refusal = IMAPEndpoint.plaintextRefusal(addresses.map { ($0.bytes, $0.text) }, at: at) {
            return fail(.tls, refusal)
        }
        // TCP
        var lastError = ""
        var reached: IMAPEndpoint.ResolvedAddress?
        for a in addresses {
            if let e = connectTCP(a, timeoutMs: connectTimeoutMs) { lastError = e } else { reached = a; break }
        }
        guard let reached else {
            return fail(.tcp, MailroomError(.port, "nothing accepts connections at \(at) (\(lastError)); check the host and the port (993 for security: tls, 143 for starttls)", location: at))
        }
        pass(.tcp, "connected to \(reached.text) port \(s.port)")
        // OAuth2: the token endpoint (DNS, TCP, TLS, HTTP status) and the refresh-token grant.
        var tokenSource: OAuthTokenSource?
        if let oauth = s.oauth {
            let source: OAuthTokenSource
            do {
                source = try OAuthTokenSource(oauth, mailbox: name, baseDirectory: pipelineDirectory, environment: environment,
                                              timeoutMs: max(connectTimeoutMs, 10_000))
            } catch let e as MailroomError {
                return fail(.tokenEndpoint, e)
            } catch {
                return fail(.tokenEndpoint, MailroomError(.internalError, "\(error)"))
            }
            if let failed = grantSteps(source, &r) { return failed }
            tokenSource = source
        }
        // Secret, then TLS + certificate + login through the IMAP connection (libcurl does all three at once).
        var endpoint: IMAPEndpoint
        do {
            endpoint = try IMAPSecret.endpoint(s, mailbox: name, pipelineDirectory: pipelineDirectory, environment: environment,
                                               tokenSource: tokenSource)
        } catch let e as MailroomError {
            return fail(.login, e)
        } catch {
            return fail(.login, MailroomError(.auth, "the secret of mailbox \(name) cannot be read", location: s.secret.description))
        }
        endpoint.connectTimeoutMs = connectTimeoutMs
        endpoint.ioTimeoutMs = max(connectTimeoutMs, 10_000)
        let session: IMAPSession
        do {
            session = try IMAPSession(endpoint)
        } catch let e as MailroomError {
            switch e.status {
            case .tls:
                if isCertificateProblem(e, endpoint) {
                    pass(.tls, "handshake started (\(s.security.rawValue))")
                    return fail(.certificate, e)
                }
                return fail(.tls, e)
            case .auth:
                passTLS(&r, s, endpoint)
                return fail(.login, e)
            case .host:
                return fail(.dns, e)
            case .port:
                return fail(.tcp, e)
            default:
                return fail(.tls, e)
            }
        } catch {
            return fail(.login, MailroomError(.internalError, "\(error)", location: at))
        }
        defer { session.logout() }
        passTLS(&r, s, endpoint)
        pass(.login, "logged in as \(s.username) (\(s.auth.rawValue))")
        // Folders
        let listed: [IMAPListedFolder]
        do {
            listed = try session.listFolders()
        } catch let e as MailroomError {
            return fail(.folders, MailroomError(.folder, "listing the folders failed: \(e.message)", location: at))
        } catch {
            return fail(.folders, MailroomError(.folder, "listing the folders failed: \(error)", location: at))
        }
        if s.allMail {
            // Gmail's All Mail, by its special-use attribute (the name is localized), and the labels extension.
            let all: IMAPListedFolder
            switch IMAPFolderChoice.allMail(listed, gmail: session.isGmail) {
            case .success(let f): all = f
            case .failure(let problem):
                return fail(.folders, MailroomError(.folder, problem.message(server: "the server"), location: at))
            }
            pass(.folders, "\(listed.count) folders; reading \(all.name) (\\All) once, with each message's labels (X-GM-LABELS)")
            r.steps.append(StepResult(step: .sent, ok: nil, detail: "not read on its own: All Mail holds sent mail too"))
            return r
        }
        let chosen = IMAPFolderChoice.choose(listed: listed, requested: s.folders)
        if !chosen.missing.isEmpty {
            return fail(.folders, MailroomError(.folder, "the server has no folder named \(chosen.missing.map { "\"\($0)\"" }.joined(separator: ", ")); check 'folders' in the pipeline", location: at))
        }
        pass(.folders, "\(listed.count) folders; reading \(chosen.folders.map(\.name).joined(separator: ", "))")
        guard let sent = IMAPFolderChoice.sentFolder(listed) else {
            return fail(.sent, MailroomError(.folder, "no Sent folder found (no \\Sent folder, none named \(IMAPFolderChoice.sentFallbacks.prefix(3).joined(separator: ", "))...): sent mail would be missing; name it in 'folders'", location: at))
        }
        pass(.sent, "\(sent.name)\(sent.has("\\Sent") ? " (\\Sent)" : " (by name)")")
        return r
    }

    /// Whether libcurl's own words (not the advice after them, nor the CA file's path) name the certificate.
    static func isCertificateProblem(_ e: MailroomError, _ endpoint: IMAPEndpoint) -> Bool {
        var why = e.message
        if let r = why.range(of: "; check the encryption") { why = String(why[..<r.lowerBound]) }
        if let ca = endpoint.caFile { why = why.replacingOccurrences(of: ca, with: "") }
        let lower = why.lowercased()
        return ["certificate", "verify", "issuer", "self-signed", "self signed"].contains { lower.contains($0) }
    }

    private static func passTLS(_ r: inout Report, _ s: IMAPSettings, _ e: IMAPEndpoint) {
        if s.security == .none {
            r.steps.append(StepResult(step: .tls, ok: nil, detail: "skipped (security: none, loopback only)"))
            r.steps.append(StepResult(step: .certificate, ok: nil, detail: "skipped (security: none)"))
            return
        }
        r.steps.append(StepResult(step: .tls, ok: true, detail: s.security == .tls ? "implicit TLS" : "STARTTLS"))
        r.steps.append(StepResult(step: .certificate, ok: true,
                                  detail: "verified for \(s.host)" + (e.caFile.map { " (CA file \($0))" } ?? "")))
    }
}
