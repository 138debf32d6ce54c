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
        try "app-password-1\n".write(toFile: d + "/pw", atomically: true, encoding: .utf8)
        chmod(d + "/pw", 0o600)
        #expect(try IMAPSecret.load(.file("pw"), baseDirectory: d, mailbox: "work") == "app-password-1")
    }

    @Test(arguments: [0o644, 0o640, 0o604] as [mode_t])
    func aFileOthersCanReadIsRefusedWithoutShowingIt(mode: mode_t) throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "app-password-2".write(toFile: d + "/pw", atomically: true, encoding: .utf8)
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
        let e = IMAPEndpoint(host: "imap.example.com", port: 143, security: .none, username: "u", secret: "pw")
        #expect(!e.isLoopback)
        let error = #expect(throws: MailroomError.self) { _ = try IMAPConnection(e) }
        #expect(error?.status == .tls)
    }
}
