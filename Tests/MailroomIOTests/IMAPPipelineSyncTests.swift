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
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        var runs = 0
        func run(sync: Bool) throws -> [MessageCopy] {
            runs += 1
            let runner = try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: dir + "/p.yml"),
                                                  runDirectory: URL(fileURLWithPath: dir + "/run\(runs)"),
                                                  options: RunOptions(asOf: "2026-01-12", days: 3), logger: quiet)
            if sync { try runner.markIMAPSync() }
            try runner.run(through: .load)
            var copies: [MessageCopy] = []
            try NDJSONReader.forEach(MessageCopy.self, url: runner.runDir.fileURL("extract/messages.ndjson")) { c, _ in copies.append(c) }
            return copies
        }
        let store = { try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true) }

        #expect(try run(sync: false).count == 2)
        let first = try #require(try store().imapCursor(mailbox: "work", folder: "INBOX"))
        #expect(first.highestUID == 1)
        #expect(try store().knownMessages(mailbox: "work", folder: "INBOX").count == 1)
        #expect(try run(sync: true).isEmpty)

        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(702), internalDate: day + 300)
        #expect(try run(sync: true).map(\.imap?.uid) == [2])
        #expect(try store().imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)

        try server.doveadm(["mailbox", "update", "-u", user.name, "--uid-validity", "\(first.uidValidity + 77)", "INBOX"])
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(703), internalDate: day + 400)
        let afterChange = try run(sync: true)
        #expect(afterChange.map(\.imap?.uid) == [3])
        #expect(afterChange.first?.imap?.uidValidity == Int(first.uidValidity + 77))
        #expect(try store().imapCursor(mailbox: "work", folder: "INBOX")?.uidValidity == first.uidValidity + 77)
        #expect(try run(sync: true).isEmpty)
    }
}
