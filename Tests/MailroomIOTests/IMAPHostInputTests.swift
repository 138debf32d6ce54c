import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Hosts a pipeline may name that the plain-IMAP loopback check meets: a name that resolves to nothing, an IPv6
/// address (bare, as the pipeline reader accepts it, and in brackets, as in a URL), through the connection and
/// through `mailbox test`, which share one resolver (`IMAPEndpoint.resolve`).
struct IMAPHostInputTests {
    /// `.invalid` never resolves (RFC 6761 §6.4).
    static let unresolvable = "mailroom-no-such-host.invalid"

    /// Whether this machine can listen on the IPv6 loopback address.
    static let hasIPv6Loopback: Bool = {
        guard let s = try? FakeIMAPServer(folders: [], address: "::1") else { return false }
        s.close()
        return true
    }()

    static func pipeline(host: String, port: Int = 143) -> String {
        """
        name: hosts
        ownDomains: [example.com]
        mailbox:
          source: imap
          host: \(host)
          port: \(port)
          security: none
          username: u
          secret: env:MR_HOST_PW
        """
    }

    @Test func plainIMAPToAHostThatDoesNotResolveIsAHostError() throws {
        let endpoint = IMAPTransportSecurityTests.endpoint(Self.unresolvable, 143, .none)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint) }
        #expect(e.status == .host, "\(e.message)")
        #expect(e.message.contains("the host name \(Self.unresolvable) does not resolve"), "\(e.message)")
        #expect(e.message.contains("check the host"))
        #expect(!e.description.contains("clear-pw-77"))
    }

    @Test func mailboxTestOfAHostThatDoesNotResolveStopsAtTheDNSStep() throws {
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try Self.pipeline(host: Self.unresolvable).write(toFile: p, atomically: false, encoding: .utf8)
        let r = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "default", "--timeout", "2"], env: ["MR_HOST_PW": "pw-31"])
        #expect(r.status == 10, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("✗ DNS: the host name \(Self.unresolvable) does not resolve"), "\(r.stdout)")
        #expect(!r.stdout.contains("TCP port"), "no step after DNS")
        #expect(r.stdout.contains("Failed at DNS: check the host (exit 10, host)"), "\(r.stdout)")
        #expect(!(r.stdout + r.stderr).contains("pw-31"))
    }

    /// `host: "::1"` is accepted by the pipeline reader. It is connected to as written: pinning it with
    /// `CURLOPT_RESOLVE` (which an address does not need) failed every connection, since libcurl cannot parse a
    /// pin entry for an IPv6 host ("Couldn't parse CURLOPT_RESOLVE entry").
    @Test(.enabled(if: hasIPv6Loopback, "this machine has no IPv6 loopback"))
    func plainIMAPToTheIPv6LoopbackAddressWorks() throws {
        let s = try FakeIMAPServer(folders: [.init(name: "INBOX", attributes: "", uidValidity: 5, messages: [])], address: "::1")
        defer { s.close() }
        let session = try IMAPSession(IMAPTransportSecurityTests.endpoint("::1", s.port, .none))
        defer { session.logout() }
        #expect(try session.examine("INBOX").uidValidity == 5)
        #expect(s.log.contains("LOGIN"))
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no IPv6 loopback"))
    func mailboxTestOfTheIPv6LoopbackAddressPassesEveryStep() throws {
        let s = try IMAPFaultTests.server(address: "::1")
        defer { s.close() }
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try Self.pipeline(host: "\"::1\"", port: s.port).write(toFile: p, atomically: false, encoding: .utf8)
        let r = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "default", "--timeout", "5"], env: ["MR_HOST_PW": "pw"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("✓ DNS: ::1 → ::1"), "\(r.stdout)")
        #expect(r.stdout.contains("✓ login: logged in as u"), "\(r.stdout)")
    }

    /// An IPv6 address that is not loopback is refused before any connection, bare or through the pipeline.
    @Test func plainIMAPToAnIPv6AddressThatIsNotLoopbackIsRefused() throws {
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSession(IMAPTransportSecurityTests.endpoint("2001:db8::7", 143, .none))
        }
        #expect(e.status == .tls)
        #expect(e.message.contains("in clear to 2001:db8::7:143, which resolves to 2001:db8::7 (not loopback)"), "\(e.message)")
    }

    /// `host: "[::1]"` (an address written as in a URL) is refused at once (exit 2, with its line), saying to
    /// drop the brackets, rather than that '[' is no letter of a host name.
    @Test func aBracketedIPv6HostIsRefusedSayingToDropTheBrackets() throws {
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try Self.pipeline(host: "\"[::1]\"").write(toFile: p, atomically: false, encoding: .utf8)
        let r = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "default"], env: ["MR_HOST_PW": "pw"])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("p.yml:5"), "\(r.stderr)")
        #expect(r.stderr.contains("an IPv6 address is written without brackets: host: \"::1\""), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
