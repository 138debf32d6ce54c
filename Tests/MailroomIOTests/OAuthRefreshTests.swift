import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// OAuth2 by the refresh-token grant (issue 16 §1, §3, §5), all on loopback: a local token endpoint issuing
/// access tokens that expire after 2 s and rotating the refresh token on every grant, and the fake IMAP server
/// accepting only a currently valid token and dropping the session when it expires, mid-fetch included.
/// Through the real binary: a backfill lasting more than three token lifetimes fetches every message exactly
/// once, the rotated refresh token is saved to its file (0600), and no token, refresh token or client secret
/// reaches the terminal, the trace log, the run directory or the store.
@Suite(.serialized)
struct OAuthRefreshTests {
    static let canary = "oauthcanary7f3a"
    static let refreshToken = "\(canary)-rt-0"
    static let clientSecret = "\(canary)-client-secret"
    static let clientId = "mailroom-test-client"

    static func messages(_ count: Int) -> [FakeIMAPServer.Message] {
        (1...count).map { n in
            FakeIMAPServer.Message(uid: UInt64(n), internalDate: "11-Jan-2026 10:00:01 +0000",
                                   body: DovecotFixtures.message(n, date: "Sun, 11 Jan 2026 10:00:00 +0000"))
        }
    }

    static func servers(messages count: Int, bodyDelay: Double, lifetime: Double = 2, rotate: Bool = true)
        throws -> (FakeIMAPServer, TokenEndpointServer)
    {
        let tokens = try TokenEndpointServer(refreshToken: refreshToken, clientId: clientId, clientSecret: clientSecret,
                                             canary: canary, lifetime: lifetime, rotate: rotate)
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: messages(count))
        let sent = FakeIMAPServer.Folder(name: "Sent", attributes: "\\Sent", uidValidity: 6, messages: [])
        let imap = try FakeIMAPServer(folders: [inbox, sent])
        imap.tokenExpiry = { [tokens] in tokens.expiry(of: $0) }
        imap.bodyDelay = bodyDelay
        return (imap, tokens)
    }

    /// `<dir>/p.yml` with `oauth:` against the two servers; the refresh token in `<dir>/refresh.txt` (0600) unless
    /// `refreshFrom` names another reference; the client secret from `MR_OAUTH_CLIENT_SECRET`.
    @discardableResult
    static func pipeline(in dir: String, imap: Int, tokenURL: String, refreshFrom: String = "file:refresh.txt",
                         extra: [String] = []) throws -> String {
        if refreshFrom == "file:refresh.txt" {
            try writeSecretFile(dir + "/refresh.txt", refreshToken)
        }
        let yaml = (["name: oauth", "ownDomains: [example.com]", "mailbox:", "  name: work", "  source: imap",
                     "  host: 127.0.0.1", "  port: \(imap)", "  security: none", "  username: u", "  auth: xoauth2",
                     "  oauth:", "    tokenUrl: \(tokenURL)", "    clientId: \(clientId)",
                     "    clientSecret: env:MR_OAUTH_CLIENT_SECRET", "    refreshToken: \(refreshFrom)",
                     "    scope: https://mail.example/imap offline_access"] + extra.map { "  " + $0 })
            .joined(separator: "\n") + "\n"
        try yaml.write(toFile: dir + "/p.yml", atomically: false, encoding: .utf8)
        return dir + "/p.yml"
    }

    static func writeSecretFile(_ path: String, _ value: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    static func run(_ args: [String], env: [String: String] = [:]) throws -> MailboxDovecotCLITests.CLI.Result {
        try MailboxDovecotCLITests.CLI.run(args, env: ["MR_OAUTH_CLIENT_SECRET": clientSecret].merging(env) { $1 })
    }

    /// Every file below `dir` holding one of `canaries`, except the pipeline and the refresh token's own file.
    static func filesHolding(_ canaries: [String], below dir: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir)
        var hits: [String] = []
        while let rel = e?.nextObject() as? String {
            guard rel != "p.yml", rel != "refresh.txt", let data = FileManager.default.contents(atPath: dir + "/" + rel) else { continue }
            for c in canaries where data.range(of: Data(c.utf8)) != nil { hits.append("\(rel): \(c)") }
        }
        return hits
    }

    @Test func aBackfillLongerThanThreeTokenLifetimesFetchesEveryMessageOnceAndLeaksNoSecret() throws {
        // 90 messages at 75 ms each: about 6.75 s of bodies alone, in batches of 30 (throttle) of which each takes
        // 2.25 s; tokens live 2 s, so renewals before expiry and drops in the middle of a FETCH both happen. (At
        // 60 ms, 5.4 s of bodies, a fast run took 5.8 s: under the three lifetimes this test is about.)
        let (imap, tokens) = try Self.servers(messages: 90, bodyDelay: 0.075)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url,
                                  extra: ["throttle: {messagesPerSecond: 30}"])
        let started = Date()
        let run = try Self.run(["backfill", p, "--as-of", "2026-01-12", "--days", "3", "--run-dir", dir.file("run")],
                               env: ["MAILROOM_LOG": "trace"])
        let took = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(took > 6, "the backfill took \(took) s, not more than three 2 s token lifetimes")
        let counts = imap.oauthCounts
        #expect(counts.bodies.count == 90, "\(counts.bodies.count) messages fetched")
        #expect(counts.bodies.values.allSatisfy { $0 == 1 }, "fetched more than once: \(counts.bodies.filter { $0.value > 1 })")
        #expect(tokens.grantCount >= 4, "\(tokens.grantCount) grants")
        #expect(imap.log.filter { $0 == "AUTHENTICATE" }.count >= 4)
        // Every message reached the store.
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try MailboxLifecycleTests.counts(store)["messages"] == 90)
        // The rotated refresh token was saved to its file (0600), and it is the one the endpoint accepts now.
        let saved = try String(contentsOfFile: dir.file("refresh.txt"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(saved != Self.refreshToken)
        #expect(tokens.validRefreshTokens == [saved])
        let mode = (try FileManager.default.attributesOfItem(atPath: dir.file("refresh.txt"))[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
        // No secret anywhere: output, trace log, run directory, store.
        let canaries = [Self.canary, Self.clientSecret]
        for c in canaries {
            #expect(!run.stdout.contains(c) && !run.stderr.contains(c), "\(c) shown")
        }
        #expect(Self.filesHolding(canaries, below: dir.path) == [])
        #expect(try store.mailboxStatus("work").credentialsRef == "file:refresh.txt")
    }

    /// Through the library: tokens expire in the middle of each FETCH answer (120 ms per body, 30 per batch);
    /// the bodies that arrived are kept and only the rest is asked for with a new token.
    @Test func aSessionDroppedMidFetchWhenTheTokenExpiresResumesWithoutFetchingTwice() throws {
        let (imap, tokens) = try Self.servers(messages: 60, bodyDelay: 0.12)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url, extra: ["throttle: {messagesPerSecond: 30}"])
        setenv("MR_OAUTH_CLIENT_SECRET", Self.clientSecret, 1)
        let copies = try IMAPTestPipeline.Runs(dir: dir.path).run(sync: false)
        #expect(copies.count == 60)
        let counts = imap.oauthCounts
        #expect(counts.midFetch >= 2, "\(counts.midFetch) drops mid-fetch")
        #expect(counts.bodies.count == 60 && counts.bodies.values.allSatisfy { $0 == 1 },
                "\(counts.bodies.filter { $0.value != 1 })")
        #expect(tokens.grantCount >= 4)
    }

    @Test func aRevokedRefreshTokenIsExit17WithTheLineToReconnect() throws {
        let (imap, tokens) = try Self.servers(messages: 2, bodyDelay: 0)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url)
        try Self.writeSecretFile(dir.file("refresh.txt"), "\(Self.canary)-revoked")
        let probe = try Self.run(["mailbox", "test", p, "work"])
        #expect(probe.status == 17, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✓ token endpoint: \(tokens.url) answered HTTP 400"), "\(probe.stdout)")
        #expect(probe.stdout.contains("✗ OAuth2 grant:"), "\(probe.stdout)")
        #expect(probe.stdout.contains("the refresh token was revoked or expired: reconnect the account"), "\(probe.stdout)")
        #expect(probe.stdout.contains("(exit 17, oauth-grant)"), "\(probe.stdout)")
        let run = try Self.run(["backfill", p, "--as-of", "2026-01-12", "--days", "3", "--run-dir", dir.file("run")])
        #expect(run.status == 17, "\(run.stderr)")
        #expect(run.stderr.contains("invalid_grant"), "\(run.stderr)")
        for text in [probe.stdout, probe.stderr, run.stdout, run.stderr] { #expect(!text.contains(Self.canary)) }
        #expect(imap.log.filter { $0 == "AUTHENTICATE" }.isEmpty)
    }

    @Test func aWrongClientSecretIsExit18AndAScopeRefusalExit19() throws {
        let (imap, tokens) = try Self.servers(messages: 2, bodyDelay: 0)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url)
        let probe = try Self.run(["mailbox", "test", p, "work"], env: ["MR_OAUTH_CLIENT_SECRET": "\(Self.canary)-wrong"])
        #expect(probe.status == 18, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("invalid_client"), "\(probe.stdout)")
        #expect(probe.stdout.contains("check the client id and secret"), "\(probe.stdout)")
        #expect(!probe.stdout.contains(Self.canary) && !probe.stderr.contains(Self.canary))

        tokens.mode = .error(status: 400, code: "invalid_scope")
        let scope = try Self.run(["mailbox", "test", p, "work", "--json"])
        #expect(scope.status == 19, "\(scope.stdout)\(scope.stderr)")
        #expect(scope.stdout.contains("\"code\":\"oauth-scope\""), "\(scope.stdout)")
        #expect(scope.stdout.contains("\"step\":\"grant\""), "\(scope.stdout)")

        tokens.mode = .status(503)
        let down = try Self.run(["mailbox", "test", p, "work"])
        #expect(down.status == 20, "\(down.stdout)\(down.stderr)")
        #expect(down.stdout.contains("✗ token endpoint:") && down.stdout.contains("HTTP 503"), "\(down.stdout)")
    }

    @Test func mailboxTestShowsTheTokenEndpointAndGrantStepsThenLogsInWithTheIssuedToken() throws {
        let (imap, tokens) = try Self.servers(messages: 2, bodyDelay: 0, lifetime: 3600)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url)
        let probe = try Self.run(["mailbox", "test", p, "work"], env: ["MAILROOM_LOG": "trace"])
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✓ token endpoint: \(tokens.url) answered HTTP 200"), "\(probe.stdout)")
        #expect(probe.stdout.contains("✓ OAuth2 grant: access token issued valid for 3600 s; the provider rotated the refresh token; saved to"), "\(probe.stdout)")
        #expect(probe.stdout.contains("✓ login"), "\(probe.stdout)")
        #expect(tokens.grantCount == 1)
        #expect(tokens.lastBody.contains("grant_type=refresh_token"))
        #expect(tokens.lastBody.contains("scope=https%3A%2F%2Fmail.example%2Fimap+offline_access"), "\(tokens.lastBody)")
        for text in [probe.stdout, probe.stderr] {
            #expect(!text.contains(Self.canary), "a secret shown: \(text)")
        }
    }

    /// A refresh token from `env:` that the provider rotates cannot be saved: one warning, never the token.
    @Test func aRotatedRefreshTokenFromTheEnvironmentIsWarnedAboutOnce() throws {
        let (imap, tokens) = try Self.servers(messages: 3, bodyDelay: 0)
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, imap: imap.port, tokenURL: tokens.url, refreshFrom: "env:MR_OAUTH_REFRESH")
        let run = try Self.run(["backfill", p, "--as-of", "2026-01-12", "--days", "3", "--run-dir", dir.file("run")],
                               env: ["MR_OAUTH_REFRESH": Self.refreshToken])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "cannot be saved").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("environment variable MR_OAUTH_REFRESH"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.canary) && !run.stdout.contains(Self.canary))
        #expect(Self.filesHolding([Self.canary], below: dir.path) == [])
    }

    /// The rule of renewal: a token is renewed in its last 60 s, or its last tenth when that is shorter.
    @Test func theTokenSourceRenewsOnlyNearExpiryAndAfterARejection() throws {
        let tokens = try TokenEndpointServer(refreshToken: Self.refreshToken, clientId: Self.clientId,
                                             clientSecret: nil, canary: Self.canary, lifetime: 2, rotate: false)
        defer { tokens.close() }
        let settings = OAuthSettings(tokenURL: tokens.url, clientId: Self.clientId, refreshToken: .env("RT"), scope: "s")
        let source = try OAuthTokenSource(settings, mailbox: "work", baseDirectory: "/", environment: ["RT": Self.refreshToken])
        let first = try source.currentToken()
        #expect(try source.currentToken() == first)
        #expect(tokens.grantCount == 1)
        #expect(!source.needsRenewal)
        let renewed = try source.renewedToken()
        #expect(renewed != first && tokens.grantCount == 2)
        Thread.sleep(forTimeInterval: 1.85)
        #expect(source.needsRenewal)
        #expect(try source.currentToken() != renewed)
        #expect(tokens.grantCount == 3)
        // No client secret is sent for a public client.
        #expect(!tokens.lastBody.contains("client_secret"))
    }
}
