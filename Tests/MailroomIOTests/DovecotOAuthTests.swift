import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// OAuth2 against a real IMAP server (issue 16 §5): Dovecot with `passdb { driver = oauth2 }`, checking each
/// XOAUTH2 token by POSTing it to the tests' token endpoint (RFC 7662 introspection), which also issues the
/// tokens by the refresh-token grant. The token endpoint is reached over HTTPS (socat with a certificate of the
/// tests' CA in front of it), verified against `oauth.caFile`; the IMAP connection is implicit TLS verified against
/// the mailbox's `caFile`. Through the real binary.
@Suite(.serialized, .enabled(if: DovecotFixtures.available && TLSTerminator.isAvailable, "needs /usr/sbin/dovecot and /usr/bin/socat"))
struct DovecotOAuthTests {
    static let user = "dana"
    static let day: Int64 = 86_400

    /// A token endpoint, a Dovecot checking tokens against it, and HTTPS in front of the endpoint.
    final class Servers {
        let tokens: TokenEndpointServer
        let dovecot: DovecotServer
        let https: TLSTerminator
        var tokenURL: String { "https://127.0.0.1:\(https.port)/token" }

        init() throws {
            tokens = try TokenEndpointServer(refreshToken: OAuthRefreshTests.refreshToken, clientId: OAuthRefreshTests.clientId,
                                             clientSecret: OAuthRefreshTests.clientSecret, canary: OAuthRefreshTests.canary,
                                             lifetime: 600, rotate: true)
            tokens.introspectionUser = DovecotOAuthTests.user
            dovecot = try DovecotServer(users: 1, oauth2Introspection: tokens.introspectionURL)
            https = try TLSTerminator(certificate: dovecot.root.path + "/server.pem", key: dovecot.root.path + "/server.key",
                                      forwardingTo: tokens.port)
        }

        func close() {
            https.close()
            tokens.close()
            try? dovecot.stop()
        }
    }

    /// `<dir>/p.yml`: mailbox `work` for `dana` over implicit TLS, with `oauth:` whose `caFile` is `tokenCA` (nil:
    /// none, the system CAs), or with `secret:` (a fixed access token) when `oauth` is false.
    static func pipeline(in dir: String, _ s: Servers, oauth: Bool = true, tokenCA: String?) throws -> String {
        var lines = ["name: oauth-dovecot", "ownDomains: [example.com]", "mailbox:", "  name: work", "  source: imap",
                     "  host: 127.0.0.1", "  port: \(s.dovecot.tlsPort)", "  security: tls", "  caFile: \(s.dovecot.caFile)",
                     "  username: \(user)", "  owner: [dana@example.com]", "  auth: xoauth2"]
        if oauth {
            try OAuthRefreshTests.writeSecretFile(dir + "/refresh.txt", OAuthRefreshTests.refreshToken)
            lines += ["  oauth:", "    tokenUrl: \(s.tokenURL)", "    clientId: \(OAuthRefreshTests.clientId)",
                      "    clientSecret: env:MR_OAUTH_CLIENT_SECRET", "    refreshToken: file:refresh.txt",
                      "    scope: mail"] + (tokenCA.map { ["    caFile: \($0)"] } ?? [])
        } else {
            try OAuthRefreshTests.writeSecretFile(dir + "/token.txt", "\(OAuthRefreshTests.canary)-not-issued")
            lines += ["  secret: file:token.txt"]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/p.yml", atomically: false, encoding: .utf8)
        return dir + "/p.yml"
    }

    @Test func aBackfillLogsInToDovecotWithTokensItChecksAndGetsThemOverVerifiedHTTPS() throws {
        let s = try Servers()
        defer { s.close() }
        let now = Int64(Date().timeIntervalSince1970)
        for i in 0..<3 {
            let d = now - Int64(i + 1) * Self.day
            try s.dovecot.addMessage(user: Self.user, bytes: MailboxDovecotCLITests.message(800 + i, from: "carol@customer.org", to: "dana@example.com", date: d),
                                     internalDate: d)
        }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, s, tokenCA: s.dovecot.caFile)

        let probe = try OAuthRefreshTests.run(["mailbox", "test", p, "work"])
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✓ token endpoint: \(s.tokenURL) answered HTTP 200"), "\(probe.stdout)")
        #expect(probe.stdout.contains("✓ login: logged in as dana (xoauth2)"), "\(probe.stdout)")

        let run = try OAuthRefreshTests.run(["backfill", p, "--days", "7", "--quiet", "--run-dir", dir.file("run")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try MailboxLifecycleTests.counts(store)["messages"] == 3)
        // Dovecot asked the endpoint about the tokens it was given: the logins were checked, not waved through.
        #expect(s.tokens.grantCount >= 2, "\(s.tokens.grantCount) grants")
        #expect(s.tokens.introspectionCount >= 2, "\(s.tokens.introspectionCount) introspections")
        // The rotated refresh token went back to its file; no secret reached the output or the run directory.
        let saved = try String(contentsOfFile: dir.file("refresh.txt"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(s.tokens.validRefreshTokens == [saved])
        for text in [probe.stdout, probe.stderr, run.stdout, run.stderr] { #expect(!text.contains(OAuthRefreshTests.canary)) }
        #expect(OAuthRefreshTests.filesHolding([OAuthRefreshTests.canary, OAuthRefreshTests.clientSecret], below: dir.path) == [])
    }

    /// The token endpoint's certificate is verified: without the CA that signed it, or with another CA, the grant
    /// never happens (exit 12, the line names the token endpoint and `oauth.caFile`).
    @Test func anHTTPSTokenEndpointWhoseCertificateIsNotTrustedIsExit12() throws {
        let s = try Servers()
        defer { s.close() }
        let dir = StoreTempDir()
        for ca in [nil, s.dovecot.otherCAFile] {
            let p = try Self.pipeline(in: dir.path, s, tokenCA: ca)
            let probe = try OAuthRefreshTests.run(["mailbox", "test", p, "work"])
            #expect(probe.status == 12, "\(probe.stdout)\(probe.stderr)")
            #expect(probe.stdout.contains("✗ token endpoint:") && probe.stdout.contains("TLS with the token endpoint"), "\(probe.stdout)")
            let run = try OAuthRefreshTests.run(["backfill", p, "--days", "7", "--quiet", "--run-dir", dir.file("run-\(ca == nil ? "system" : "other")")])
            #expect(run.status == 12, "\(run.stderr)")
            #expect(run.stderr.contains("TLS with the token endpoint 127.0.0.1:\(s.https.port)"), "\(run.stderr)")
        }
        #expect(s.tokens.grantCount == 0, "a grant reached the endpoint through an unverified connection")
    }

    /// A token Dovecot's introspection calls inactive: the login is refused, and the line shows what Dovecot
    /// said, its base64 JSON SASL error decoded (exit 13). The token itself never shows.
    @Test func aTokenDovecotRefusesShowsItsDecodedSASLError() throws {
        let s = try Servers()
        defer { s.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, s, oauth: false, tokenCA: nil)
        let probe = try OAuthRefreshTests.run(["mailbox", "test", p, "work"])
        #expect(probe.status == 13, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✗ login:"), "\(probe.stdout)")
        #expect(probe.stdout.contains("SASL error status 401, scope mail"), "\(probe.stdout)")
        #expect(probe.stdout.contains("the access token is invalid or expired"), "\(probe.stdout)")
        let run = try OAuthRefreshTests.run(["backfill", p, "--days", "7", "--quiet", "--run-dir", dir.file("run")])
        #expect(run.status == 13, "\(run.stderr)")
        #expect(run.stderr.contains("SASL error status 401, scope mail"), "\(run.stderr)")
        for text in [probe.stdout, probe.stderr, run.stdout, run.stderr] { #expect(!text.contains(OAuthRefreshTests.canary)) }
        #expect(s.tokens.introspectionCount >= 1)
    }
}
