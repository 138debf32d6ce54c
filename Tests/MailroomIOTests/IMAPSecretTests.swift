import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

struct IMAPSecretTests {
    static func folder() throws -> String {
        let d = NSTemporaryDirectory() + "mailroom-secret-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func anEnvironmentVariableSuppliesTheSecret() throws {
        #expect(try IMAPSecret.load(.env("MR_PW"), baseDirectory: "/", mailbox: "work", environment: ["MR_PW": "s3cret"]) == "s3cret")
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSecret.load(.env("MR_PW"), baseDirectory: "/", mailbox: "work", environment: [:])
        }
        #expect(e.status == .auth)
        #expect(e.message.contains("MR_PW"))
    }

    @Test func aFileReadableOnlyByItsOwnerSuppliesTheSecretWithoutTheLineEnd() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "app-password-1\n".write(toFile: d + "/pw", atomically: false, encoding: .utf8)
        chmod(d + "/pw", 0o600)
        #expect(try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") == "app-password-1")
    }

    @Test(arguments: [0o644, 0o640, 0o604] as [mode_t])
    func aFileOthersCanReadIsRefusedWithoutShowingIt(mode: mode_t) throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "app-password-2".write(toFile: d + "/pw", atomically: false, encoding: .utf8)
        chmod(d + "/pw", mode)
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSecret.load(.file(d + "/pw"), baseDirectory: "/", mailbox: "work")
        }
        #expect(e.status == .auth)
        #expect(e.message.contains("chmod 600"))
        #expect(!e.description.contains("app-password-2"))
    }

    @Test func aMissingSecretFileNamesThePath() throws {
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSecret.load(.file("nope/pw"), baseDirectory: "/srv/pipes", mailbox: "work")
        }
        #expect(e.location == "/srv/pipes/nope/pw")
    }

    @Test func theEndpointDescriptionNeverShowsTheSecret() {
        let e = IMAPEndpoint(host: "imap.example.com", port: 993, security: .tls, username: "u@example.com", secret: "tok-123")
        #expect(!"\(e)".contains("tok-123"))
        #expect(e.url == "imaps://imap.example.com:993/")
        #expect(IMAPEndpoint(host: "::1", port: 143, security: .starttls, username: "u", secret: "x").url == "imap://[::1]:143/")
    }

    @Test func plainIMAPToAHostThatIsNotLoopbackIsRefusedBeforeConnecting() {
        let e = IMAPEndpoint(host: "192.0.2.77", port: 143, security: .none, username: "u", secret: "pw")
        #expect(!e.isLoopback)
        #expect(!IMAPEndpoint(host: "127.mail.example.com", port: 143, security: .none, username: "u", secret: "pw").isLoopback)
        let error = #expect(throws: MailroomError.self) { _ = try IMAPConnection(e) }
        #expect(error?.status == .tls)
    }

    /// Kubernetes mounts a secret as a symlink to a file: the file it resolves to is what is checked.
    @Test func aSymlinkedSecretIsCheckedOnTheFileItResolvesTo() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/..data", withIntermediateDirectories: true)
        try "app-password-3\n".write(toFile: d + "/..data/pw", atomically: false, encoding: .utf8)
        chmod(d + "/..data/pw", 0o600)
        try FileManager.default.createSymbolicLink(atPath: d + "/pw", withDestinationPath: "..data/pw")
        #expect(try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") == "app-password-3")
        // The same link to a file others can read: refused, naming the mode of the file, not of the link.
        chmod(d + "/..data/pw", 0o644)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") }
        #expect(e.message.contains("mode 644"))
        #expect(!e.description.contains("app-password-3"))
    }

    /// A secret file that belongs to another user is refused, whatever its mode (run as root to change owners).
    @Test(.enabled(if: geteuid() == 0, "needs root to give a file to another user"))
    func aSecretFileOfAnotherUserIsRefused() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "app-password-4".write(toFile: d + "/target", atomically: false, encoding: .utf8)
        chmod(d + "/target", 0o600)
        #expect(chown(d + "/target", 65534, 65534) == 0)
        try FileManager.default.createSymbolicLink(atPath: d + "/pw", withDestinationPath: d + "/target")
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") }
        #expect(e.status == .auth)
        #expect(e.message.contains("belongs to user id 65534"))
        #expect(!e.description.contains("app-password-4"))
    }

    /// A FIFO (nobody writing), /dev/zero and a folder: refused as not a regular file, without blocking on the
    /// open of the FIFO or reading anything.
    @Test func aSecretPathThatIsNoRegularFileIsRefusedWithoutBlockingOrReading() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(mkfifo(d + "/fifo", 0o600) == 0)
        for path in [d + "/fifo", "/dev/zero", d] {
            let e = try #require(throws: MailroomError.self) { _ = try IMAPSecret.load(.file(path), baseDirectory: "/", mailbox: "work") }
            #expect(e.status == .auth)
            #expect(e.message == "the secret of mailbox work must be a regular file", "\(path): \(e.message)")
            #expect(e.location == path)
        }
    }

    /// /proc/self/pagemap is a regular file of the user's own, mode 400, whose size says 0 and which reads
    /// gigabytes: at most 64 KiB and one byte are read, then it is refused (it was read to its end).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/pagemap"), "needs Linux's /proc"))
    func aSecretFileThatReadsPastItsSizeIsRefusedAfter64KiB() throws {
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSecret.load(.file("/proc/self/pagemap"), baseDirectory: "/", mailbox: "work")
        }
        #expect(e.status == .auth)
        #expect(e.message.contains("larger than 64 KiB"), "\(e.message)")
    }

    /// A secret file of exactly 64 KiB is read; one byte more is refused.
    @Test func aSecretFileOf64KiBIsReadAndOneByteMoreIsRefused() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let token = String(repeating: "t", count: 64 << 10)
        try token.write(toFile: d + "/pw", atomically: false, encoding: .utf8)
        chmod(d + "/pw", 0o600)
        #expect(try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") == token)
        try (token + "t").write(toFile: d + "/pw", atomically: false, encoding: .utf8)
        chmod(d + "/pw", 0o600)
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") }
        #expect(e.message.contains("larger than 64 KiB"))
        #expect(!e.description.contains("ttttt"))
    }
}
