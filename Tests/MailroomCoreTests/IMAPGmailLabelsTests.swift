import Testing
import MailroomCore

/// Gmail's X-GM-LABELS as it arrives in a FETCH answer: framed, parsed into values, read into labels.
struct IMAPGmailLabelsTests {
    /// The FETCH result of one `* 1 FETCH (...)` line (CRLF added), framed in 3-byte chunks.
    static func fetch(_ items: String) throws -> IMAPFetchResult {
        var framer = IMAPFramer()
        framer.feed(Array("* 1 FETCH (UID 4 \(items))\r\n".utf8)[...])
        let bytes = try #require(try framer.next())
        guard case .data(let v) = try IMAPResponse.parse(bytes) else { throw IMAPProtocolError("not data") }
        return try #require(try IMAPFetchResult(v))
    }

    @Test func quotedSystemLabelsWithEscapedBackslashesAtomsAndModifiedUTF7() throws {
        let f = try Self.fetch(#"X-GM-MSGID 1278455344230334865 X-GM-LABELS ("\\Inbox" "\\Sent" Customers "Project &AOk-t&AOk-")"#)
        #expect(f.labels == ["\\Inbox", "\\Sent", "Customers", "Project été"])
        #expect(f.gmMsgId == "1278455344230334865")
        #expect(f.uid == 4)
    }

    @Test func systemLabelsAsFlagLikeAtomsAndAQuotedStringWithAnEscapedQuote() throws {
        let f = try Self.fetch(#"X-GM-LABELS (\Important \Starred "Say \"hi\"" \Draft)"#)
        #expect(f.labels == ["\\Important", "\\Starred", "Say \"hi\"", "\\Draft"])
        #expect(IMAPGmailLabels.isDraft(f.labels ?? []))
    }

    @Test func aLabelSentAsALiteral() throws {
        let f = try Self.fetch("X-GM-LABELS ({11}\r\nClients/ACM \\Inbox) FLAGS (\\Seen)")
        #expect(f.labels == ["Clients/ACM", "\\Inbox"])
        #expect(f.flags == ["\\Seen"])
    }

    @Test func emptyListAndNILAreNoLabelsAndRepeatsAreDropped() throws {
        #expect(try Self.fetch("X-GM-LABELS ()").labels == [])
        #expect(try Self.fetch("X-GM-LABELS NIL").labels == [])
        #expect(try Self.fetch(#"X-GM-LABELS (Customers "Customers" \Inbox)"#).labels == ["Customers", "\\Inbox"])
        #expect(try Self.fetch("RFC822.SIZE 3").labels == nil, "not asked for: nil, not empty")
        #expect(!IMAPGmailLabels.isDraft(["\\Inbox", "Drafts of contracts"]))
    }

    @Test func aNameThatIsNotModifiedUTF7StaysAsSent() throws {
        // `&` without `-` does not decode; UTF-8 (a server with UTF8=ACCEPT) is not modified UTF-7 either.
        #expect(try Self.fetch(#"X-GM-LABELS ("R&D" "Café")"#).labels == ["R&D", "Café"])
        #expect(try Self.fetch(#"X-GM-LABELS ("R&-D")"#).labels == ["R&D"])
    }

    @Test func somethingOtherThanAListOfLabelsIsAProtocolError() {
        #expect(throws: IMAPProtocolError.self) { _ = try Self.fetch("X-GM-LABELS Inbox") }
        #expect(throws: IMAPProtocolError.self) { _ = try Self.fetch("X-GM-LABELS ((Inbox))") }
        #expect(throws: IMAPProtocolError.self) { _ = try Self.fetch("X-GM-LABELS (Inbox NIL)") }
    }

    @Test func theFetchCommandsAskForLabelsOnlyForGmailsAllMail() {
        #expect(IMAPCommand.fetchListing([1, 2], gmail: true, labels: true)
                == "UID FETCH 1:2 (UID RFC822.SIZE INTERNALDATE X-GM-MSGID X-GM-LABELS)")
        #expect(IMAPCommand.fetchBodies([3], gmail: true, labels: true)
                == "UID FETCH 3 (UID RFC822.SIZE INTERNALDATE FLAGS X-GM-MSGID X-GM-LABELS BODY.PEEK[])")
        #expect(IMAPCommand.fetchBodies([3], gmail: true) == "UID FETCH 3 (UID RFC822.SIZE INTERNALDATE FLAGS X-GM-MSGID BODY.PEEK[])")
        #expect(IMAPCommand.fetchListing([3], gmail: false, labels: true) == "UID FETCH 3 (UID RFC822.SIZE INTERNALDATE)")
    }

    @Test func allMailIsFoundByItsSpecialUseAttributeWhateverItsName() {
        let listed = [
            IMAPListedFolder(wireName: "INBOX", attributes: ["\\HasNoChildren"]),
            IMAPListedFolder(wireName: "[Gmail]", attributes: ["\\Noselect", "\\HasChildren"]),
            IMAPListedFolder(wireName: "[Gmail]/All Mail", attributes: ["\\Noselect", "\\All"]),
            IMAPListedFolder(wireName: "[Gmail]/Tous les messages", attributes: ["\\HasNoChildren", "\\all"]),
            IMAPListedFolder(wireName: "[Gmail]/Messages envoy&AOk-s", attributes: ["\\Sent"]),
        ]
        #expect(IMAPFolderChoice.allMailFolder(listed)?.name == "[Gmail]/Tous les messages")
        #expect(IMAPFolderChoice.allMailFolder(Array(listed.prefix(3))) == nil, "not selectable: not readable")
    }

    @Test func copiesWriteLabelsOnlyWhenTheyHaveThem() throws {
        var c = MessageCopy(copyId: "m/INBOX/1-2", mailbox: "m", source: .imap, folder: "INBOX",
                            locator: Locator(file: "f", offset: 0, length: 1), date: nil)
        let plain = String(decoding: c.jsonBytes(), as: UTF8.self)
        #expect(!plain.contains("labels"))
        c.labels = ["\\Inbox", "Project été"]
        let labelled = String(decoding: c.jsonBytes(), as: UTF8.self)
        #expect(labelled.contains(#""flags":[],"labels":["\\Inbox","Project été"],"date":null"#))
        #expect(try MessageCopy(jsonBytes: Array(labelled.utf8)[...]) == c)
        #expect(try MessageCopy(jsonBytes: Array(plain.utf8)[...]).labels == nil)
    }
}
