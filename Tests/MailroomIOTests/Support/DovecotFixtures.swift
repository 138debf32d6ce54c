import Foundation
@testable import MailroomIO
import MailroomCore

/// The Dovecot shared by the IMAP test suites (one per test process), or nil when Dovecot is not installed.
enum DovecotFixtures {
    static let shared: DovecotServer? = {
        guard DovecotServer.isAvailable else { return nil }
        do { return try DovecotServer(users: 40) } catch {
            print("Dovecot harness failed to start: \(error)")
            return nil
        }
    }()

    static var available: Bool { DovecotServer.isAvailable }

    /// A small message with CRLF line ends, a Message-ID and a body that differs per `n`.
    /// `date` nil leaves the Date header out.
    static func message(_ n: Int, from: String = "alice@example.com", extra: String = "",
                        date: String? = "Mon, 05 Jan 2026 10:00:00 +0000") -> [UInt8] {
        var text = "From: Alice <\(from)>\r\nTo: bob@example.org\r\nSubject: test \(n)\r\n"
        text += "Message-ID: <msg-\(n)@example.com>\r\n"
        if let date { text += "Date: \(date)\r\n" }
        text += "\r\nBody of message \(n).\r\n" + extra
        return Array(text.utf8)
    }

    static func endpoint(_ server: DovecotServer, user: (name: String, password: String),
                         security: IMAPSecurity = .none, host: String = "127.0.0.1", port: Int? = nil,
                         caFile: String? = nil) -> IMAPEndpoint {
        let p = port ?? (security == .tls ? server.tlsPort : server.plainPort)
        return IMAPEndpoint(host: host, port: p, security: security, username: user.name, secret: user.password,
                            caFile: caFile ?? (security == .none ? nil : server.caFile),
                            connectTimeoutMs: 10_000, ioTimeoutMs: 10_000)
    }
}
