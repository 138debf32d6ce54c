import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

@Suite("IMAP runs through every stage into the store", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPPipelineSyncTests {
    @Test func aBackfillLoadsCursorsThenSyncsFetchOnlyNewMailEvenAfterAUIDValidityChange() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = IMAPDate.days(year: 2026, month: 1, day: 11) * 86400
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(700), internalDate: day + 100)
        try server.addMessage(user: user.name, folder: "Sent Items",
                              bytes: DovecotFixtures.message(701, from: "\(user.name)@example.com"), internalDate: day + 200)
        let dir = server.root.path + "/pipeline-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "imap-sync", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_SYNC_SECRET", extra: ["owner: [\(user.name)@example.com]"])
        setenv("MAILROOM_TEST_SYNC_SECRET", user.password, 1)
        let runs = IMAPTestPipeline.Runs(dir: dir)

        #expect(try runs.run(sync: false).count == 2)
        let first = try #require(try runs.store().imapCursor(mailbox: "work", folder: "INBOX"))
        #expect(first.highestUID == 1)
        #expect(try runs.store().knownMessages(mailbox: "work", folder: "INBOX").count == 1)
        #expect(try runs.run(sync: true).isEmpty)

        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(702), internalDate: day + 300)
        #expect(try runs.run(sync: true).map(\.imap?.uid) == [2])
        #expect(try runs.store().imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)

        try server.doveadm(["mailbox", "update", "-u", user.name, "--uid-validity", "\(first.uidValidity + 77)", "INBOX"])
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(703), internalDate: day + 400)
        let afterChange = try runs.run(sync: true)
        #expect(afterChange.map(\.imap?.uid) == [3])
        #expect(afterChange.first?.imap?.uidValidity == Int(first.uidValidity + 77))
        #expect(try runs.store().imapCursor(mailbox: "work", folder: "INBOX")?.uidValidity == first.uidValidity + 77)
        #expect(try runs.run(sync: true).isEmpty)
    }
}
