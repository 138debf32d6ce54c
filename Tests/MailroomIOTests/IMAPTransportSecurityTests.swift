import Foundation
import Testing
@testable import MailroomIO
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// Plain IMAP only to loopback addresses, TLS settings pinned, STARTTLS required (issue 12 §3 and §7).
struct IMAPTransportSecurityTests {
    /// An IPv4 address of this machine that is not loopback (nil when it has none).
    static func ownNonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(first) }
        var p: UnsafeMutablePointer<ifaddrs>? = first
        while let i = p {
            p = i.pointee.ifa_next
            guard let sa = i.pointee.ifa_addr, Int32(sa.pointee.sa_family) == AF_INET else { continue }
            var a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            let bytes = withUnsafeBytes(of: &a) { Array($0) }
            if IMAPHost.isLoopback(bytes) { continue }
            var text = [CChar](repeating: 0, count: 64)
            _ = inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
            return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        return nil
    }

    static func endpoint(_ host: String, _ port: Int, _ security: IMAPSecurity, caFile: String? = nil) -> IMAPEndpoint {
        IMAPEndpoint(host: host, port: port, security: security, username: "u", secret: "clear-pw-77", caFile: caFile,
                     connectTimeoutMs: 5000, ioTimeoutMs: 5000)
    }

    /// A recording server on this machine's own non-loopback address: `security: none` never connects to it,
    /// so no LOGIN (nor anything else) reaches it.
    @Test(.enabled(if: ownNonLoopbackAddress() != nil, "this machine has no non-loopback IPv4 address"))
    func plainIMAPNeverConnectsToANonLoopbackAddress() throws {
        let address = try #require(Self.ownNonLoopbackAddress())
        let s = try IMAPFaultTests.server(address: address)
        defer { s.close() }
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(Self.endpoint(address, s.port, .none)) }
        #expect(e.status == .tls)
        #expect(e.message.contains("in clear") && e.message.contains(address))
        #expect(!e.description.contains("clear-pw-77"))
        #expect(s.connections == 0)
        #expect(s.log.isEmpty)
    }

    /// A host name is judged by the addresses it resolves to: `localhost` is loopback and works, pinned.
    @Test func plainIMAPToANameThatResolvesOnlyToLoopbackWorks() throws {
        let s = try IMAPFaultTests.server()
        defer { s.close() }
        let session = try IMAPSession(Self.endpoint("localhost", s.port, .none))
        defer { session.logout() }
        #expect(try session.examine("INBOX").exists == 3)
        #expect(s.log.contains("LOGIN"))
    }

    /// `security: starttls` with a server that does not offer STARTTLS: refused (exit 12) before any login.
    @Test func aServerWithoutSTARTTLSIsRefusedBeforeTheLogin() throws {
        let s = try IMAPFaultTests.server()
        defer { s.close() }
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(Self.endpoint("127.0.0.1", s.port, .starttls)) }
        #expect(e.status == .tls, "\(e.message)")
        #expect(!s.log.contains("LOGIN") && !s.log.contains("AUTHENTICATE"))
    }

    @Test func theLibcurlVersionIsCheckedAgainstTheMinimum() {
        #expect(IMAPConnection.minimumCurlVersionText == "7.79.0")
        #expect(!IMAPConnection.isSupportedCurl(versionNumber: 0x07_4A_00))   // 7.74.0
        #expect(!IMAPConnection.isSupportedCurl(versionNumber: 0x07_4E_FF))
        #expect(IMAPConnection.isSupportedCurl(versionNumber: 0x07_4F_00))    // 7.79.0
        #expect(IMAPConnection.isSupportedCurl(versionNumber: 0x08_00_00))
        #expect(throws: MailroomError.self) { try IMAPConnection.checkCurlVersion(versionNumber: 0x07_44_00) }
        #expect(IMAPConnection.curlVersion.first?.isNumber == true)
    }

    @Test func mailroomVersionNamesTheLinkedLibcurl() throws {
        let r = try MailboxDovecotCLITests.CLI.run(["--version"], env: [:])
        #expect(r.status == 0)
        #expect(r.stdout.contains("libcurl \(IMAPConnection.curlVersion)"), "\(r.stdout)")
        #expect(r.stdout.contains("7.79.0"))
    }
}

/// TLS against the test Dovecot and a TLS server with a certificate for another name.
@Suite(.enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPTLSPinningTests {
    /// The options libcurl was given: peer and host verification, TLS 1.2 or newer, STARTTLS required.
    @Test(arguments: [IMAPSecurity.tls, .starttls])
    func verificationAndTLSVersionAreSetOnEveryEncryptedConnection(security: IMAPSecurity) throws {
        let server = try #require(DovecotFixtures.shared)
        let session = try IMAPSession(DovecotFixtures.endpoint(server, user: server.freshUser(), security: security))
        defer { session.logout() }
        let o = session.connection.appliedOptions
        #expect(o["verify peer"] == 1)
        #expect(o["verify host"] == 2)
        #expect(o["TLS 1.2 or newer"] == 1)
        #expect(o["use SSL"] == (security == .starttls ? 1 : 0))
    }

    /// A certificate from the trusted CA but for another host name is refused (exit 12): host verification on.
    @Test func aCertificateForAnotherHostNameIsAnEncryptionError() throws {
        let server = try #require(DovecotFixtures.shared)
        let dir = StoreTempDir()
        let d = dir.file("tls")
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        let ca = server.root.path
        try DovecotServer.sh("""
            cd '\(d)' && \
            openssl req -newkey rsa:2048 -nodes -keyout wrong.key -out wrong.csr -subj '/CN=wrong.example' 2>/dev/null && \
            printf 'subjectAltName=DNS:wrong.example\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && \
            openssl x509 -req -in wrong.csr -CA '\(ca)/ca.pem' -CAkey '\(ca)/ca.key' -CAserial '\(d)/ca.srl' -CAcreateserial \
              -out wrong.pem -days 2 -extfile ext.cnf 2>/dev/null
            """)
        let port = try DovecotServer.freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", d + "/wrong.pem", "-key", d + "/wrong.key",
                       "-quiet", "-naccept", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() }; p.waitUntilExit() }
        // Ready when the kernel lists the port as listening: a test connection would take s_server's only accept.
        var listening = false
        for _ in 0..<400 where !listening {
            listening = Self.isListening(port)
            if !listening { usleep(50_000) }
        }
        try #require(listening)
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: port, security: .tls, username: "u", secret: "pw",
                                    caFile: server.caFile, connectTimeoutMs: 5000, ioTimeoutMs: 5000)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint) }
        #expect(e.status == .tls, "\(e.message)")
        #expect(e.message.lowercased().contains("host name") || e.message.lowercased().contains("certificate"), "\(e.message)")
    }

    /// Whether a TCP socket listens on 127.0.0.1:`port` (state 0A in /proc/net/tcp), without connecting to it.
    static func isListening(_ port: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        let local = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").contains { line in
            let f = line.split(separator: " ")
            return f.count > 3 && f[1] == local && f[3] == "0A"
        }
    }
}
