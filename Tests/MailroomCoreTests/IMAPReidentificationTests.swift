import Testing
import Foundation
import MailroomCore

struct IMAPReidentificationTests {
    static let a = Array("Message-ID: <A@Example.COM>\r\nDate: Mon, 05 Jan 2026 10:00:00 +0000\r\nSubject: a\r\n\r\nbody a\r\n".utf8)
    /// The same message with LF line ends and a transport header added: the same identity.
    static let aRelayed = Array("Received: from x\nMessage-ID: <A@Example.COM>\nDate: Mon, 05 Jan 2026 10:00:00 +0000\nSubject: a\n\nbody a\n".utf8)
    static let aEdited = Array("Message-ID: <A@Example.COM>\r\nDate: Mon, 05 Jan 2026 10:00:00 +0000\r\nSubject: a\r\n\r\nbody a, edited\r\n".utf8)
    static let aEditedLater = Array("Message-ID: <A@Example.COM>\r\nDate: Mon, 05 Jan 2026 10:00:01 +0000\r\nSubject: a\r\n\r\nbody a, edited\r\n".utf8)
    static let noId = Array("Subject: no id\r\n\r\nplain\r\n".utf8)

    @Test func identitiesMatchTheNormalizeStagesMessageIDAndContentHash() {
        let k = IMAPKnownMessage(bytes: Self.a)
        #expect(k.messageId == "A@example.com")
        #expect(k.contentHash.count == 64)
        #expect(IMAPKnownMessage(bytes: Self.aRelayed) == k)
        #expect(IMAPKnownMessage(bytes: Self.noId).messageId == nil)
    }

    @Test func serverMessagesAreLoadedNewOrAConflict() {
        let r = IMAPReidentification(known: [IMAPKnownMessage(bytes: Self.a), IMAPKnownMessage(bytes: Self.noId)])
        #expect(r.hasIdentities)
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.aRelayed)) == .loaded)
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.noId)) == .loaded)
        // Other content under the same Message-ID, the same (absent) From and the same Date: dedupe's rule makes
        // it the loaded message (another route's copy); another date makes it a conflict.
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.aEdited)) == .loaded)
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.aEditedLater)) == .conflict)
        #expect(r.verdict(IMAPKnownMessage(bytes: Array("Message-ID: <b@x>\r\n\r\nb\r\n".utf8))) == .new)
        #expect(!IMAPReidentification(known: []).hasIdentities)
    }

    /// Priya's message as she sent it, and as a Mailman 2.1 list delivered it: subject tag, List-* headers, the
    /// list's Sender, the footer appended, the Date re-rendered in UTC (the same instant). Other content, the same
    /// Message-ID, From (as match keys) and date.
    static let priya = Array("""
        From: Priya Natarajan <Priya.Natarajan@contoso.example>\r
        To: Dana Reyes <dana.reyes@northwind.example>\r
        Subject: Order 1142 arrived damaged\r
        Date: Tue, 10 Nov 2026 09:15:02 +0100\r
        Message-ID: <CAF1142x9PriyaN@mail.contoso.example>\r
        \r
        Can you send replacements this week?\r

        """.utf8)
    static let priyaList = Array("""
        From: Priya Natarajan <priya.natarajan@contoso.example>\r
        To: Dana Reyes <dana.reyes@northwind.example>\r
        Subject: [support] Order 1142 arrived damaged\r
        Date: Tue, 10 Nov 2026 08:15:02 +0000\r
        Message-ID: <CAF1142x9PriyaN@mail.contoso.example>\r
        Precedence: list\r
        List-Id: Northwind customer support <support.lists.northwind.example>\r
        Sender: "support" <support-bounces@lists.northwind.example>\r
        \r
        Can you send replacements this week?\r
        _______________________________________________\r
        support mailing list\r

        """.utf8)
    /// Another message reusing the id: another sender at the same date, or the same sender a day later.
    static let otherSender = Array(String(decoding: priyaList, as: UTF8.self)
        .replacingOccurrences(of: "From: Priya Natarajan <priya.natarajan@", with: "From: Raj <raj@").utf8)
    static let nextDay = Array(String(decoding: priyaList, as: UTF8.self)
        .replacingOccurrences(of: "10 Nov 2026 08:15:02", with: "11 Nov 2026 08:15:02").utf8)

    @Test func aListCopyOfALoadedMessageIsLoadedByDedupesRule() {
        let direct = IMAPKnownMessage(bytes: Self.priya), list = IMAPKnownMessage(bytes: Self.priyaList)
        #expect(direct.contentHash != list.contentHash)
        #expect(direct.date == "2026-11-10T08:15:02Z" && list.date == direct.date)
        #expect(direct.sender == "priya.natarajan@contoso.example" && list.sender == direct.sender)
        var dedupe = MessageDeduplicator()
        _ = dedupe.observe(messageId: direct.messageId, contentHash: direct.contentHash, sender: direct.sender,
                           date: direct.date)
        #expect(dedupe.repeatReason(messageId: direct.messageId!, contentHash: list.contentHash, sender: list.sender,
                                    date: list.date) == MessageDeduplicator.listOrTransportCopy)

        let r = IMAPReidentification(known: [direct])
        #expect(r.verdict(list) == .loaded)
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.otherSender)) == .conflict)
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.nextDay)) == .conflict)
        // Known the other way round (the store kept the list copy's hash): the direct copy is loaded too.
        #expect(IMAPReidentification(known: [list]).verdict(direct) == .loaded)
        // A store that recorded no date or sender (an older cursor file) confirms by content hash only.
        let bare = IMAPKnownMessage(messageId: direct.messageId, contentHash: direct.contentHash)
        #expect(IMAPReidentification(known: [bare]).verdict(list) == .conflict)
        #expect(IMAPReidentification(known: [bare]).verdict(direct) == .loaded)
    }

    @Test(arguments: [
        ("Message-ID: <a@b.example>\r\n\r\n", "a@b.example"),
        ("message-id:\r\n  <folded@b.example>\r\nX: y\r\n\r\n", "folded@b.example"),
        ("Subject: x\r\n\r\nMessage-ID: <in-body@x>\r\n", nil),
        ("Message-Id: bare@x\n\n", "bare@x"),
    ] as [(String, String?)])
    func messageIDsAreReadFromTheHeaderOnly(header: String, id: String?) {
        #expect(IMAPReidentification.messageId(inHeader: Array(header.utf8)) == id)
    }
}
