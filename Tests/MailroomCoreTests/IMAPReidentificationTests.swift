import Testing
import MailroomCore

struct IMAPReidentificationTests {
    static func known(_ id: String?, _ body: String) -> IMAPKnownMessage {
        IMAPKnownMessage(messageId: id, sha256: IMAPReidentification.sha256(Array(body.utf8)), size: body.utf8.count)
    }

    @Test func messagesAreMatchedByMessageIDAndSizeAndTheRestIsNew() throws {
        let known = [Self.known("a@x", "aaaa"), Self.known("b@x", "bbbbbb")]
        let plan = IMAPReidentification(known: known, server: [
            .init(uid: 1, messageId: "a@x", size: 4), .init(uid: 2, messageId: "b@x", size: 6),
            .init(uid: 3, messageId: "c@x", size: 3)])
        #expect(plan.alreadyLoaded == [1, 2])
        #expect(plan.new == [3])
        #expect(plan.needHash.isEmpty)
        let done = try #require(plan.finish(hashes: [:]))
        #expect(done.alreadyLoaded == [1, 2] && done.new == [3])
    }

    @Test func messagesWithoutMessageIDAreMatchedByContentHash() throws {
        let known = [Self.known(nil, "no id here")]
        let plan = IMAPReidentification(known: known, server: [
            .init(uid: 4, messageId: nil, size: 10), .init(uid: 5, messageId: nil, size: 5)])
        #expect(plan.needHash == [4, 5])
        let done = try #require(plan.finish(hashes: [4: IMAPReidentification.sha256(Array("no id here".utf8)),
                                                     5: IMAPReidentification.sha256(Array("other".utf8))]))
        #expect(done.alreadyLoaded == [4] && done.new == [5])
    }

    @Test func aKnownMessageIDWithOtherContentCannotBeConfirmed() {
        let plan = IMAPReidentification(known: [Self.known("a@x", "aaaa")], server: [.init(uid: 1, messageId: "a@x", size: 9)])
        #expect(plan.needHash == [1])
        #expect(plan.finish(hashes: [1: IMAPReidentification.sha256(Array("changed!!".utf8))]) == nil)
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
