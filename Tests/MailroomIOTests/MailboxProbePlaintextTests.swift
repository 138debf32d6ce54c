import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// `mailbox test` with `security: none` judges the resolved addresses before its TCP step: it never opens a
/// connection, not even a bare one, to an address that is not loopback.
struct MailboxProbePlaintextTests {
    @Test(.enabled(if: IMAPTransportSecurityTests.ownNonLoopbackAddress() != nil, "this machine has no non-loopback IPv4 address"))
    func plainIMAPToANonLoopbackAddressStopsBeforeTheTCPStep() throws {
        let address = try #require(IMAPTransportSecurityTests.ownNonLoopbackAddress())
        let s = try IMAPFaultTests.server(address: address)
        defer { s.close() }
        let settings = IMAPSettings(host: address, port: s.port, security: .none, username: "u", secret: .env("MR_PROBE_PW"))
        let r = MailboxProbe.imap("work", settings, pipelineDirectory: "/tmp", environment: ["MR_PROBE_PW": "clear-pw-78"],
                                  connectTimeoutMs: 2000)
        #expect(r.steps.map(\.step) == [.dns, .tls])
        #expect(r.steps.last?.ok == false)
        #expect(r.failure?.status == .tls)
        #expect(r.failure?.message.contains("in clear") == true && r.failure?.message.contains(address) == true)
        let out = r.text() + String(decoding: r.json(), as: UTF8.self)
        #expect(!out.contains("clear-pw-78"))
        #expect(s.connections == 0)
        #expect(s.log.isEmpty)
    }

    /// Loopback still passes every step.
    @Test func plainIMAPToLoopbackPassesTheProbe() throws {
        let s = try IMAPFaultTests.server()
        defer { s.close() }
        let settings = IMAPSettings(host: "localhost", port: s.port, security: .none, username: "u", secret: .env("MR_PROBE_PW"))
        let r = MailboxProbe.imap("work", settings, pipelineDirectory: "/tmp", environment: ["MR_PROBE_PW": "pw"],
                                  connectTimeoutMs: 2000)
        #expect(r.passed, "\(r.text())")
        #expect(r.steps.map(\.step).prefix(2) == [.dns, .tcp])
    }
}
