import Testing
import MailroomCore

struct IMAPResponseTests {
    static let stream = Array((
        "* OK [UIDVALIDITY 1712345678] UIDs valid\r\n"
        + "* 2 EXISTS\r\n"
        + "* 1 FETCH (UID 7 RFC822.SIZE 13 INTERNALDATE \"05-Jan-2026 11:00:00 +0100\" FLAGS (\\Seen $Forwarded) BODY[] {13}\r\nab\r\n{3}\r\ncd\r\n)\r\n"
        + "* 2 FETCH (UID 9 X-GM-MSGID 1278455344230334865 BODY[HEADER.FIELDS (MESSAGE-ID)] {31}\r\nMessage-ID: <x@example.com>\r\n\r\n)\r\n"
        + "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"
        + "* LIST () \"/\" {5}\r\nA&-B \r\n"
        + "* SEARCH 3 5 8\r\n"
        + "+ go ahead\r\n"
        + "MR4 NO [THROTTLED] slow down\r\n"
        + "* BYE shutting down\r\n").utf8)

    static func frame(_ bytes: [UInt8], chunk: Int) throws -> [[UInt8]] {
        var f = IMAPFramer()
        var out: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            f.feed(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
            while let r = try f.next() { out.append(r) }
        }
        #expect(f.pendingCount == 0)
        return out
    }

    @Test(arguments: [1, 2, 3, 7, 64, 100_000])
    func framingIsTheSameForEveryChunkSize(chunk: Int) throws {
        let whole = try Self.frame(Self.stream, chunk: 100_000)
        #expect(whole.count == 10)
        #expect(try Self.frame(Self.stream, chunk: chunk) == whole)
        #expect(whole.flatMap { $0 } == Self.stream)
    }

    @Test func responsesParseIntoStatusDataAndFetchItems() throws {
        let r = try Self.frame(Self.stream, chunk: 5).map(IMAPResponse.parse)
        #expect(r[0] == .status(.ok, code: IMAPResponseCode(name: "UIDVALIDITY", argument: "1712345678"), text: "UIDs valid"))
        #expect(r[1] == .data([.atom("2"), .atom("EXISTS")]))
        guard case .data(let v2) = r[2], let f = try IMAPFetchResult(v2) else { Issue.record("no fetch"); return }
        #expect(f.uid == 7)
        #expect(f.size == 13)
        #expect(f.body == Array("ab\r\n{3}\r\ncd\r\n".utf8))
        #expect(f.internalDate == IMAPDate.days(year: 2026, month: 1, day: 5) * 86400 + 10 * 3600)
        #expect(IMAPFetchResult.mailroomFlags(f.flags ?? []) == ["passed", "seen"])
        guard case .data(let v3) = r[3], let g = try IMAPFetchResult(v3) else { Issue.record("no fetch"); return }
        #expect(g.gmMsgId == "1278455344230334865")
        #expect(IMAPReidentification.messageId(inHeader: g.headerFields ?? []) == "x@example.com")
        guard case .data(let l1) = r[4], case .data(let l2) = r[5] else { Issue.record("no list"); return }
        let sent = try #require(IMAPListedFolder(listValues: l1))
        #expect(sent.name == "Sent Items" && sent.has("\\sent"))
        #expect(IMAPListedFolder(listValues: l2)?.name == "A&B ")
        #expect(r[6] == .data([.atom("SEARCH"), .atom("3"), .atom("5"), .atom("8")]))
        #expect(r[7] == .continuation("go ahead"))
        #expect(r[8] == .tagged(tag: "MR4", status: .no, code: IMAPResponseCode(name: "THROTTLED"), text: "slow down"))
        #expect(r[9] == .status(.bye, code: nil, text: "shutting down"))
    }

    @Test func anOversizedLiteralIsRefused() {
        var f = IMAPFramer(maxLiteral: 10)
        f.feed(Array("* 1 FETCH (BODY[] {11}\r\n".utf8))
        #expect(throws: IMAPProtocolError.self) { try f.next() }
    }

    @Test(arguments: [
        ([1, 2, 3, 5, 7, 8] as [UInt64], "1:3,5,7:8"),
        ([9], "9"),
        ([4, 2, 3, 3], "2:4"),
    ])
    func uidSetsCollapseRuns(uids: [UInt64], set: String) {
        #expect(IMAPCommand.uidSet(uids) == set)
    }

    @Test func commandsNeverSetSeenAndQuoteFolderNames() throws {
        #expect(IMAPCommand.fetchBodies([1, 2], gmail: false) == "UID FETCH 1:2 (UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[])")
        #expect(try IMAPCommand.examine(wireName: "inbox") == "EXAMINE INBOX")
        #expect(try IMAPCommand.examine(wireName: "Say \"hi\"\\") == "EXAMINE \"Say \\\"hi\\\"\\\\\"")
        #expect(IMAPCommand.mailbox("Entwürfe") == "\"Entw&APw-rfe\"")
    }
}
