import Foundation
import Testing
@testable import MailroomIO

/// `mailbox test` for file mailboxes and a closed port (the backfill advice: `BackfillAdviceTests` in MailroomCoreTests).
@Suite struct MailboxAdviceTests {
    @Test func aFileMailboxWhosePathIsMissingFailsAtThePathStep() {
        let m = MailboxConfig(name: "archive", source: .mbox, path: "/nonexistent/mailroom-test.mbox", owner: [])
        let r = MailboxProbe.files(m, path: "/nonexistent/mailroom-test.mbox")
        #expect(r.steps.map(\.step) == [.path])
        #expect(r.failure?.status == .input)
        #expect(r.text().contains("✗ path exists"))
    }

    @Test func aMaildirFolderConfiguredAsMboxIsNamedForWhatItIs() throws {
        let dir = StoreTempDir()
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: true)
        }
        let m = MailboxConfig(name: "archive", source: .eml, path: dir.path, owner: [])
        let r = MailboxProbe.files(m, path: dir.path)
        #expect(r.steps.map(\.step) == [.path, .readable, .kind])
        #expect(r.failure?.message.contains("set `source: maildir`") == true)
    }

    @Test func aPortNothingListensOnFailsAtTheTCPStepWithExitEleven() throws {
        // Bind a port, then close it: nothing listens there.
        let port = try Self.closedPort()
        let s = IMAPSettings(host: "127.0.0.1", port: port, security: .tls, username: "u", secret: .env("MR_UNUSED"))
        let r = MailboxProbe.imap("work", s, pipelineDirectory: "/tmp", environment: ["MR_UNUSED": "not-printed-secret"],
                                  connectTimeoutMs: 2000)
        #expect(r.steps.map(\.step) == [.dns, .tcp])
        #expect(r.failure?.status == .port)
        #expect(r.check == "host and port")
        let out = r.text() + String(decoding: r.json(), as: UTF8.self)
        #expect(out.contains("exit 11") && !out.contains("not-printed-secret"))
    }

    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw MailroomError(.internalError, "no port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
