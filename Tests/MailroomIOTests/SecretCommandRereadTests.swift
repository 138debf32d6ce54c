import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

/// A `cmd:` secret is run again when the server rejects what it printed (an expired access token): once, then a
/// new login; a second rejection is the usual authentication failure (issue 16 §2). The fake server accepts
/// only one XOAUTH2 token; the script prints `token-N` on its Nth run, counting runs in a file.
struct SecretCommandRereadTests {
    static func server(acceptingToken token: String) throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 7, messages: [
            .init(uid: 1, internalDate: "12-Jan-2026 10:00:01 +0000", body: DovecotFixtures.message(1)),
        ])
        let s = try FakeIMAPServer(folders: [inbox])
        s.xoauth2 = (user: "dana@example.com", token: token)
        return s
    }

    static let countingScript = "n=$(cat runs 2>/dev/null || echo 0)\nn=$((n + 1))\necho $n > runs\necho token-$n"

    static func settings(_ port: Int, secret: SecretReference) -> IMAPSettings {
        IMAPSettings(host: "127.0.0.1", port: port, security: .none, username: "dana@example.com", secret: secret, auth: .xoauth2)
    }

    /// The endpoint of mailbox `work` on `server`, its secret from `./tok.sh` in `dir`.
    static func commandEndpoint(_ server: FakeIMAPServer, in dir: String) throws -> IMAPEndpoint {
        try IMAPSecret.endpoint(settings(server.port, secret: .command(["./tok.sh"])), mailbox: "work", pipelineDirectory: dir)
    }

    static func runs(_ dir: String) -> Int {
        Int((try? String(contentsOfFile: dir + "/runs", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    @Test func aRejectedTokenRunsTheCommandOnceMoreAndTheSecondTokenLogsIn() throws {
        let s = try Self.server(acceptingToken: "token-2")
        defer { s.close() }
        let d = try SecretCommandTests.script(Self.countingScript)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let endpoint = try Self.commandEndpoint(s, in: d)
        #expect(endpoint.secret == "token-1")
        let session = try IMAPSession(endpoint)
        defer { session.logout() }
        #expect(session.endpoint.secret == "token-2")
        #expect(Self.runs(d) == 2)
        #expect(s.log.filter { $0 == "AUTHENTICATE" }.count == 2)
    }

    @Test func aSecondRejectionIsTheUsualLoginFailureAndTheCommandRanTwiceOnly() throws {
        let s = try Self.server(acceptingToken: "token-3")
        defer { s.close() }
        let d = try SecretCommandTests.script(Self.countingScript)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let endpoint = try Self.commandEndpoint(s, in: d)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint) }
        #expect(e.status == .auth)
        // The server's refusal is decoded: the base64 JSON of its SASL continuation (libcurl stops at that
        // continuation, so the tagged NO after it is never read).
        #expect(e.message.contains("rejected the login (SASL error status 401, scope https://mail.google.com/); the access token is invalid or expired; check the username and the OAuth2 access token"), "\(e)")
        #expect(!e.description.contains("token-"))
        #expect(Self.runs(d) == 2)
        #expect(s.log.filter { $0 == "AUTHENTICATE" }.count == 2)
    }

    /// `env:` and `file:` cannot give anything new: a rejection is reported at once, after one login.
    @Test func aRejectedSecretFromTheEnvironmentIsNotTriedAgain() throws {
        let s = try Self.server(acceptingToken: "token-2")
        defer { s.close() }
        let endpoint = try IMAPSecret.endpoint(Self.settings(s.port, secret: .env("MR_REREAD_TOKEN")), mailbox: "work",
                                               pipelineDirectory: "/", environment: ["MR_REREAD_TOKEN": "token-1"])
        #expect(throws: MailroomError.self) { _ = try IMAPSession(endpoint) }
        #expect(s.log.filter { $0 == "AUTHENTICATE" }.count == 1)
    }

    /// A failing command on the second run is its own error, naming the command.
    @Test func aCommandThatFailsOnItsSecondRunIsNamed() throws {
        let s = try Self.server(acceptingToken: "token-2")
        defer { s.close() }
        let d = try SecretCommandTests.script("if [ -e ran ]; then exit 4; fi\ntouch ran\necho token-1")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let endpoint = try Self.commandEndpoint(s, in: d)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint) }
        #expect(e.status == .auth)
        #expect(e.message.hasPrefix("the secret command failed (exit 4) for mailbox work"), "\(e)")
    }

    /// The extractor keeps the token that worked: a reconnect later logs in with it, without running the command
    /// or being rejected again.
    @Test func theExtractorReconnectsWithTheFreshToken() throws {
        let s = try Self.server(acceptingToken: "token-2")
        defer { s.close() }
        let d = try SecretCommandTests.script(Self.countingScript)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let endpoint = try Self.commandEndpoint(s, in: d)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let ex = IMAPExtractor(mailbox: "work", endpoint: endpoint, folders: ["INBOX"], runDirectory: d + "/run", logger: quiet)
        let window = DateWindow(asOfDay: (2026, 1, 12), days: 3)
        #expect(try ex.list(window: window).map(\.messages) == [1])
        ex.close()
        #expect(try ex.list(window: window).map(\.messages) == [1])
        ex.close()
        #expect(Self.runs(d) == 2)
        #expect(s.log.filter { $0 == "AUTHENTICATE" }.count == 3)
    }
}
