import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

@Suite("IMAP connection against Dovecot", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPConnectionTests {
    @Test func plainLoopbackLoginExaminesInboxAndFetchesBodiesByteIdenticalWithFlagsUnchanged() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        // 8-bit bytes and lines ending in "{3}" try the literal framing. (IMAP serves CRLF: Dovecot turns a bare
        // LF into CRLF, so the fixtures use CRLF only and "identical" means identical to what the server serves.)
        let odd = Array("From: x@example.com\r\nSubject: odd {3}\r\nMessage-ID: <odd@example.com>\r\n\r\nline {3}\r\n8-bit \u{00e9}\r\n".utf8)
        let bodies = [DovecotFixtures.message(1), odd, DovecotFixtures.message(3, extra: String(repeating: "x", count: 70_000) + "\r\n")]
        for (i, b) in bodies.enumerated() {
            try server.addMessage(user: user.name, bytes: b, internalDate: 1_767_607_200 + Int64(i), flags: i == 0 ? "S" : "")
        }
        let before = try server.flagsListing(user: user.name)

        let session = try IMAPSession(DovecotFixtures.endpoint(server, user: user))
        let status = try session.examine("INBOX")
        #expect(status.exists == 3)
        let uids = try session.uidSearch(IMAPCommand.searchAll())
        #expect(uids.count == 3)
        var fetched: [UInt64: IMAPFetchResult] = [:]
        try session.fetch(IMAPCommand.fetchBodies(uids, gmail: false)) { fetched[$0.uid!] = $0 }
        session.logout()

        #expect(fetched.count == 3)
        for (i, uid) in uids.enumerated() {
            let f = try #require(fetched[uid])
            #expect(f.body == bodies[i])
            #expect(f.size == bodies[i].count)
            #expect(f.internalDate == 1_767_607_200 + Int64(i))
        }
        #expect(fetched[uids[0]]?.flags?.contains("\\Seen") == true)
        #expect(fetched[uids[1]]?.flags?.contains("\\Seen") == false)
        #expect(try server.flagsListing(user: user.name) == before)
    }

    @Test(arguments: [(IMAPSecurity.tls, "127.0.0.1"), (.starttls, "localhost"), (.tls, "localhost")])
    func encryptedLoginVerifiesTheTestCertificate(security: IMAPSecurity, host: String) throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(1), internalDate: 1_767_607_200)
        let session = try IMAPSession(DovecotFixtures.endpoint(server, user: user, security: security, host: host))
        defer { session.logout() }
        #expect(try session.examine("INBOX").exists == 1)
    }

    @Test func aCertificateFromAnotherAuthorityIsAnEncryptionError() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        for security in [IMAPSecurity.tls, .starttls] {
            let e = try #require(throws: MailroomError.self) {
                _ = try IMAPSession(DovecotFixtures.endpoint(server, user: user, security: security, caFile: server.otherCAFile))
            }
            #expect(e.status == .tls)
            #expect(e.message.contains("check the encryption"))
        }
    }

    @Test func implicitTLSOnThePlainPortIsAnEncryptionError() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSession(DovecotFixtures.endpoint(server, user: user, security: .tls, port: server.plainPort))
        }
        #expect(e.status == .tls)
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSession(DovecotFixtures.endpoint(server, user: (user.name, "not-the-password-42"), security: .tls))
        }
        #expect(e.status == .auth)
        #expect(e.message.contains("app password"))
        // What Dovecot said is kept: its tagged NO with the response code.
        #expect(e.message.contains("rejected the login ([AUTHENTICATIONFAILED] Authentication failed.); check the username and the app password"), "\(e.message)")
        #expect(!e.description.contains("not-the-password-42"))
    }

    @Test func aPortWithNothingListeningIsAPortError() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let unused = try DovecotServer.freePort()
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSession(DovecotFixtures.endpoint(server, user: user, security: .none, port: unused))
        }
        #expect(e.status == .port)
        #expect(e.message.contains("check the host and port"))
        // Retriable by category (the retry loop still waits for a first connection before retrying it), with
        // libcurl's failure as the cause: CURLE_COULDNT_CONNECT is 7.
        #expect(e.category == .retriable)
        guard case .curl(let code, _)? = e.cause as? IMAPFailure else {
            Issue.record("cause: \(String(describing: e.cause))")
            return
        }
        #expect(code == 7)
    }

    @Test func anUnknownHostIsAHostError() throws {
        let server = try #require(DovecotFixtures.shared)
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPSession(DovecotFixtures.endpoint(server, user: ("u", "p"), security: .tls, host: "no-such-host.invalid"))
        }
        #expect(e.status == .host)
    }

    @Test func aMissingFolderIsAFolderError() throws {
        let server = try #require(DovecotFixtures.shared)
        let session = try IMAPSession(DovecotFixtures.endpoint(server, user: server.freshUser()))
        defer { session.logout() }
        let e = try #require(throws: MailroomError.self) { try session.examine("No Such Folder") }
        #expect(e.status == .folder)
    }
}
