import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// IMAP folders marked `\Drafts`, `\Junk` or `\Trash` (RFC 6154 SPECIAL-USE), whatever they are called, are not
/// read unless the mailbox's `includeFolders` names them; a fake server lists them as a French Dovecot would.
struct IMAPSpecialUseTests {
    static func server() throws -> FakeIMAPServer {
        func folder(_ name: String, _ attributes: String, _ n: Int) -> FakeIMAPServer.Folder {
            .init(name: name, attributes: attributes, uidValidity: UInt64(n), messages: [
                .init(uid: 1, internalDate: "12-Jan-2026 10:00:0\(n) +0000", body: DovecotFixtures.message(n)),
            ])
        }
        return try FakeIMAPServer(folders: [
            folder("INBOX", "", 1), folder("Envoy&AOk-s", "\\Sent", 2), folder("Brouillons", "\\Drafts", 3),
            folder("Pourriel", "\\Junk", 4), folder("Corbeille", "\\Trash", 5), folder("Clients", "", 6),
        ])
    }

    static func backfill(_ s: FakeIMAPServer, include: Set<LeftOutReason>) throws -> [String] {
        let ex = IMAPExtractor(mailbox: "m", endpoint: IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none,
                                                                  username: "u", secret: "p", connectTimeoutMs: 5000,
                                                                  ioTimeoutMs: 5000),
                               folders: ["INBOX", "\\Sent", "Brouillons", "Pourriel", "Corbeille", "Clients"],
                               runDirectory: NSTemporaryDirectory() + "mailroom-special-use-\(UUID().uuidString)")
        ex.includeFolders = include
        defer { IMAPFaultTests.remove(ex) }
        let window = DateWindow(start: IMAPDate.days(year: 2026, month: 1, day: 12) * 86400,
                                end: IMAPDate.days(year: 2026, month: 1, day: 13) * 86400)
        return try ex.backfill(window: window).copies.map(\.folder)
    }

    @Test func draftsJunkAndTrashFoldersAreNeverOpened() throws {
        let s = try Self.server()
        defer { s.close() }
        #expect(try Self.backfill(s, include: []) == ["INBOX", "Envoyés", "Clients"])
        #expect(s.commands.filter { $0 == "EXAMINE" }.count == 3, "\(s.commands)")
    }

    @Test func includeFoldersReadsThemAgain() throws {
        let s = try Self.server()
        defer { s.close() }
        #expect(try Self.backfill(s, include: [.junk, .trash]) == ["INBOX", "Envoyés", "Pourriel", "Corbeille", "Clients"])
    }
}
