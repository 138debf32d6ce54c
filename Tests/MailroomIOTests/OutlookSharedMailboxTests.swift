import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// A Microsoft 365 shared mailbox (issue 16 §4): Exchange Online lets a delegate read it with the delegate's own
/// OAuth2 token and the shared mailbox's address as the XOAUTH2 user. The fake IMAP server stands in for Exchange
/// Online: it accepts only the shared address as user, with a token the local endpoint issued to the delegate (a
/// public client: no client secret). The shared address is the mailbox's owner, so its replies count as sent.
@Suite(.serialized)
struct OutlookSharedMailboxTests {
    static let shared = "support@northwind.example"

    static func body(_ n: Int, from: String, to: String) -> [UInt8] {
        Array("From: <\(from)>\r\nTo: <\(to)>\r\nSubject: case \(n)\r\nMessage-ID: <case-\(n)@northwind.example>\r\nDate: Sun, 11 Jan 2026 10:00:0\(n) +0000\r\n\r\nCase \(n).\r\n".utf8)
    }

    static func servers() throws -> (FakeIMAPServer, TokenEndpointServer) {
        let tokens = try TokenEndpointServer(refreshToken: OAuthRefreshTests.refreshToken, clientId: OAuthRefreshTests.clientId,
                                             clientSecret: nil, canary: OAuthRefreshTests.canary, lifetime: 600, rotate: true)
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: [
            .init(uid: 1, internalDate: "11-Jan-2026 10:00:01 +0000", body: body(1, from: "carol@customer.org", to: shared)),
            .init(uid: 2, internalDate: "11-Jan-2026 10:00:02 +0000", body: body(2, from: "dan@customer.org", to: shared)),
        ])
        let sent = FakeIMAPServer.Folder(name: "Sent Items", attributes: "\\Sent", uidValidity: 6, messages: [
            .init(uid: 7, internalDate: "11-Jan-2026 10:00:03 +0000", body: body(3, from: shared, to: "carol@customer.org")),
        ])
        let imap = try FakeIMAPServer(folders: [inbox, sent])
        imap.oauthUser = shared
        imap.tokenExpiry = { [tokens] in tokens.expiry(of: $0) }
        // Exchange Online's refusal carries no SASL JSON it documents; the fake sends RFC 7628's.
        imap.saslError = #"{"status":"400","schemes":"Bearer","scope":"https://outlook.office.com/IMAP.AccessAsUser.All"}"#
        return (imap, tokens)
    }

    static func pipeline(in dir: String, port: Int, tokenURL: String, username: String) throws -> String {
        try OAuthRefreshTests.writeSecretFile(dir + "/delegate-refresh.txt", OAuthRefreshTests.refreshToken)
        let yaml = ["name: shared", "ownDomains: [northwind.example]", "mailbox:", "  name: support", "  source: imap",
                    "  provider: outlook", "  host: 127.0.0.1", "  port: \(port)", "  security: none",
                    "  username: \(username)", "  auth: xoauth2", "  oauth:", "    tokenUrl: \(tokenURL)",
                    "    clientId: \(OAuthRefreshTests.clientId)", "    refreshToken: file:delegate-refresh.txt"]
        try (yaml.joined(separator: "\n") + "\n").write(toFile: dir + "/p.yml", atomically: false, encoding: .utf8)
        return dir + "/p.yml"
    }

    @Test func aDelegatesTokenWithTheSharedAddressAsUserReadsTheSharedMailbox() throws {
        let (imap, tokens) = try Self.servers()
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, port: imap.port, tokenURL: tokens.url, username: Self.shared)
        let run = try OAuthRefreshTests.run(["backfill", p, "--as-of", "2026-01-12", "--days", "3", "--run-dir", dir.file("run")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        // The public client's grant carried no secret; the login was the shared address with the delegate's token.
        #expect(tokens.grantCount == 1 && !tokens.lastBody.contains("client_secret"), "\(tokens.lastBody)")
        #expect(imap.log.filter { $0 == "AUTHENTICATE" }.count == 1)
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try MailboxLifecycleTests.counts(store)["messages"] == 3)
        // The shared address owns the mailbox: its reply is sent, the customers' mail received.
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  sent ") && $0.hasSuffix(" 1") }, "\(run.stdout)")
        #expect(lines.contains { $0.hasPrefix("  received ") && $0.hasSuffix(" 2") }, "\(run.stdout)")
        for text in [run.stdout, run.stderr] { #expect(!text.contains(OAuthRefreshTests.canary)) }
    }

    /// The delegate's own address as user, with the delegate's token: the server refuses (it is not the shared
    /// mailbox), and the line says what its SASL error means: the token does not belong to that user.
    @Test func theDelegatesOwnAddressAsUserIsRefusedWithTheDecodedReason() throws {
        let (imap, tokens) = try Self.servers()
        defer { imap.close(); tokens.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, port: imap.port, tokenURL: tokens.url, username: "dana@northwind.example")
        let probe = try OAuthRefreshTests.run(["mailbox", "test", p, "support"])
        #expect(probe.status == 13, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✓ OAuth2 grant:"), "\(probe.stdout)")
        #expect(probe.stdout.contains("SASL error status 400, scope https://outlook.office.com/IMAP.AccessAsUser.All"), "\(probe.stdout)")
        #expect(probe.stdout.contains("a shared mailbox takes a delegate's token with the shared address as username"), "\(probe.stdout)")
        for text in [probe.stdout, probe.stderr] { #expect(!text.contains(OAuthRefreshTests.canary)) }
    }
}
