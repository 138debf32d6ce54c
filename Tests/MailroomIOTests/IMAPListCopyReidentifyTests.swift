import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

/// A folder holding an email twice, as the author sent it and as a Mailman 3 list delivered it (subject tag,
/// List-* headers, the footer as a MIME part: another content hash), is loaded as one message (dedupe merges the
/// copies by Message-ID, sender and date) whose stored hash is the direct copy's. When the server then renumbers
/// the folder (UIDVALIDITY), re-identification applies the same rule: the list copy is the loaded message, not a
/// conflict, and only the new mail is fetched.
@Suite("IMAP re-identification knows a list's copy of a loaded message",
       .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPListCopyReidentifyTests {
    static let id = "6f1e2d3c-aa10-4b7e-9c55-0d1e2f3a4b5c@fabrikam.example"

    static let direct = """
        Return-Path: <tomas.ortega@fabrikam.example>\r
        From: =?utf-8?q?Tom=C3=A1s_Ortega?= <Tomas.Ortega@fabrikam.example>\r
        To: support@lists.northwind.example\r
        Cc: Bob <bob@example.org>\r
        Subject: Shipping schedule for January\r
        Date: Sun, 11 Jan 2026 04:40:11 -0600\r
        Message-ID: <\(id)>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Could you confirm the January shipping dates before Friday?\r

        """

    /// Mailman 3's copy: the same From, Date and Message-ID; tag, list headers and footer part added.
    static let mailman3 = """
        Return-Path: <support-bounces+bob=example.org@lists.northwind.example>\r
        From: =?utf-8?q?Tom=C3=A1s_Ortega?= <tomas.ortega@fabrikam.example>\r
        To: support@lists.northwind.example\r
        Cc: Bob <bob@example.org>\r
        Subject: [support] Shipping schedule for January\r
        Date: Sun, 11 Jan 2026 04:40:11 -0600\r
        Message-ID: <\(id)>\r
        Message-ID-Hash: X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW\r
        X-Message-ID-Hash: X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW\r
        X-MailFrom: tomas.ortega@fabrikam.example\r
        X-Mailman-Version: 3.3.9\r
        Precedence: list\r
        List-Id: Northwind customer support <support.lists.northwind.example>\r
        Archived-At: <https://lists.northwind.example/archives/list/support@lists.northwind.example/message/X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW/>\r
        List-Archive: <https://lists.northwind.example/archives/list/support@lists.northwind.example/>\r
        List-Post: <mailto:support@lists.northwind.example>\r
        List-Unsubscribe: <mailto:support-leave@lists.northwind.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="===============4216590349419387331=="\r
        \r
        --===============4216590349419387331==\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Could you confirm the January shipping dates before Friday?\r
        \r
        --===============4216590349419387331==\r
        Content-Type: text/plain; charset="us-ascii"\r
        Content-Disposition: inline\r
        \r
        _______________________________________________\r
        support mailing list -- support@lists.northwind.example\r
        To unsubscribe send an email to support-leave@lists.northwind.example\r
        \r
        --===============4216590349419387331==--\r

        """

    @Test func aSyncAfterAUIDValidityChangeKnowsTheListCopyAndFetchesOnlyNewMail() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = IMAPDate.days(year: 2026, month: 1, day: 11) * 86400
        // The list's copy reaches the folder first; the direct one is the copy dedupe shows and the store keeps.
        try server.addMessage(user: user.name, bytes: Array(Self.mailman3.utf8), internalDate: day + 100)
        try server.addMessage(user: user.name, bytes: Array(Self.direct.utf8), internalDate: day + 101)
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(710), internalDate: day + 200)
        let dir = server.root.path + "/pipeline-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "imap-list-copy", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_LIST_COPY_SECRET", ownDomain: "example.org",
                                   extra: ["owner: [bob@example.org]", "folders: [INBOX]"])
        setenv("MAILROOM_TEST_LIST_COPY_SECRET", user.password, 1)
        let runs = IMAPTestPipeline.Runs(dir: dir)

        #expect(try runs.run(sync: false).count == 3)
        let first = try #require(try runs.store().imapCursor(mailbox: "work", folder: "INBOX"))
        #expect(first.highestUID == 3)
        // One message row for the two copies, keeping the direct copy's content hash, date and sender.
        let known = try runs.store().knownMessages(mailbox: "work", folder: "INBOX")
        #expect(known.count == 2)
        let tomas = try #require(known.first { $0.messageId == Self.id })
        #expect(tomas.contentHash == IMAPKnownMessage(bytes: Array(Self.direct.utf8)).contentHash)
        #expect(tomas.contentHash != IMAPKnownMessage(bytes: Array(Self.mailman3.utf8)).contentHash)
        #expect(tomas.date == "2026-01-11T10:40:11Z")
        #expect(tomas.sender == "tomas.ortega@fabrikam.example")

        try server.doveadm(["mailbox", "update", "-u", user.name, "--uid-validity", "\(first.uidValidity + 91)", "INBOX"])
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(711), internalDate: day + 300)
        let afterChange = try runs.run(sync: true)
        #expect(afterChange.map(\.imap?.uid) == [4])
        #expect(afterChange.first?.imap?.uidValidity == Int(first.uidValidity + 91))
        #expect(try runs.store().imapCursor(mailbox: "work", folder: "INBOX")?.uidValidity == first.uidValidity + 91)
        #expect(try runs.run(sync: true).isEmpty)
    }
}

/// The file-backed cursor store keeps each known message's date and sender, and still reads a file written before
/// it kept them (those messages are then confirmed by content hash alone).
@Suite struct IMAPFileCursorStoreKnownMessageTests {
    @Test func datesAndSendersRoundTripAndAnOlderFileWithoutThemStillReads() throws {
        let path = NSTemporaryDirectory() + "cursors-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"cursors":[{"mailbox":"work","folder":"INBOX","uidValidity":7,"highestUID":2,"known":[{"messageId":"a@x.example","contentHash":"00"}]}]}"#
            .write(toFile: path, atomically: false, encoding: .utf8)
        let bare = IMAPKnownMessage(messageId: "a@x.example", contentHash: "00")
        let store = try IMAPFileCursorStore(path: path)
        #expect(try store.knownMessages(mailbox: "work", folder: "INBOX") == [bare])

        let direct = IMAPKnownMessage(bytes: Array(IMAPListCopyReidentifyTests.direct.utf8))
        #expect(direct.date == "2026-01-11T10:40:11Z" && direct.sender == "tomas.ortega@fabrikam.example")
        try store.save([FolderUIDCursor(mailbox: "work", folder: "INBOX", uidValidity: 7, highestUID: 3)],
                       known: ["INBOX": [direct]])
        let reread = try IMAPFileCursorStore(path: path).knownMessages(mailbox: "work", folder: "INBOX")
        #expect(reread == [bare, direct])
        let listCopy = IMAPKnownMessage(bytes: Array(IMAPListCopyReidentifyTests.mailman3.utf8))
        #expect(IMAPReidentification(known: reread).verdict(listCopy) == .loaded)
    }
}
