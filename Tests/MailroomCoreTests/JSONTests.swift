import Testing
@testable import MailroomCore

@Suite struct JSONRoundTrip {
    @Test func writerOutputParsesBackToTheSameRecord() throws {
        let copy = MessageCopy(copyId: "m/INBOX/1", mailbox: "m", source: .mbox, folder: "INBOX \"q\"\n",
                               locator: Locator(file: "a.mbox", offset: 10, length: 20), flags: ["seen"],
                               date: nil, imap: IMAPCoordinates(uidValidity: 7, uid: 9))
        let bytes = copy.jsonBytes()
        #expect(String(decoding: bytes, as: UTF8.self) ==
            #"{"copyId":"m/INBOX/1","mailbox":"m","source":"mbox","folder":"INBOX \"q\"\n","locator":{"file":"a.mbox","offset":10,"length":20},"flags":["seen"],"date":null,"imap":{"uidValidity":7,"uid":9,"gmMsgId":null}}"#)
        #expect(try MessageCopy(jsonBytes: bytes) == copy)
    }

    @Test(arguments: [
        (#"{"a":1"#, "unexpected end of JSON"),
        (#"{"a":01x}"#, "expected ',' or '}'"),
        (#"[1,]"#, "unexpected character in JSON"),
        (#""\x""#, "invalid escape in string"),
        (#"{"a":1} x"#, "unexpected data after the JSON value"),
    ])
    func malformedJSONIsRejectedWithAReason(input: String, reason: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(Array(input.utf8)) }
        do { _ = try JSONParser.parse(Array(input.utf8)) } catch let e as JSONError {
            #expect(e.message == reason)
        } catch {}
    }

    @Test func escapesAndSurrogatesDecode() throws {
        let v = try JSONParser.parse(Array(#"{"s":"a\u00e9\ud83d\ude00\n\/"}"#.utf8))
        #expect(v == .object(["s": .string("aé😀\n/")]))
    }
}
