import Foundation
import Testing

/// `mailroom backfill --dry-run` against IMAP endpoints that fail before any message is read: the exit code
/// names what to check, and the secret never shows.
struct BackfillCommandTests {
    static func pipeline(port: Int, secret: String) throws -> URL {
        let dir = MailroomProcess.tempDir("mailroom-backfill")
        try """
            name: backfill-test
            ownDomains: [example.com]
            mailbox:
              name: work
              source: imap
              host: 127.0.0.1
              port: \(port)
              security: none
              username: someone@example.com
              secret: \(secret)
            """.write(to: dir.appendingPathComponent("p.yml"), atomically: false, encoding: .utf8)
        return dir
    }

    /// A loopback port nobody listens on (bound, then released).
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func aDryRunAgainstAClosedPortExitsWithThePortStatus() throws {
        let dir = try Self.pipeline(port: Self.closedPort(), secret: "env:MAILROOM_TEST_PW")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["backfill", dir.appendingPathComponent("p.yml").path, "--dry-run", "--days", "3"],
                                        env: ["MAILROOM_TEST_PW": "pw-never-printed"])
        #expect(r.status == 11)
        #expect(r.stderr.contains("check the host and port"))
        #expect(!r.stderr.contains("pw-never-printed") && !r.stdout.contains("pw-never-printed"))
        #expect(r.stdout.isEmpty)
    }

    @Test func aDryRunWithoutItsSecretExitsWithTheAuthStatus() throws {
        let dir = try Self.pipeline(port: Self.closedPort(), secret: "env:MAILROOM_TEST_UNSET_PW")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["backfill", dir.appendingPathComponent("p.yml").path, "--dry-run"])
        #expect(r.status == 13)
        #expect(r.stderr.contains("MAILROOM_TEST_UNSET_PW"))
    }
}
