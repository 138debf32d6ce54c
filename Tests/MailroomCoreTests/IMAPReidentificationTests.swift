import Testing
import MailroomCore

struct IMAPReidentificationTests {
    static let a = Array("Message-ID: <A@Example.COM>\r\nDate: Mon, 05 Jan 2026 10:00:00 +0000\r\nSubject: a\r\n\r\nbody a\r\n".utf8)
    /// The same message with LF line ends and a transport header added: the same identity.
    static let aRelayed = Array("Received: from x\nMessage-ID: <A@Example.COM>\nDate: Mon, 05 Jan 2026 10:00:00 +0000\nSubject: a\n\nbody a\n".utf8)
    static let aEdited = Array("Message-ID: <A@Example.COM>\r\nDate: Mon, 05 Jan 2026 10:00:00 +0000\r\nSubject: a\r\n\r\nbody a, edited\r\n".utf8)
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
        #expect(r.verdict(IMAPKnownMessage(bytes: Self.aEdited)) == .conflict)
        #expect(r.verdict(IMAPKnownMessage(bytes: Array("Message-ID: <b@x>\r\n\r\nb\r\n".utf8))) == .new)
        #expect(!IMAPReidentification(known: []).hasIdentities)
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
