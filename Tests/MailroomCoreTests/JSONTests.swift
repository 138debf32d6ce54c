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

/// The string loops skip 8-byte words that hold no quote, backslash or control character: every stop byte must
/// still be found wherever it falls in a word, in kept strings and in skipped ones.
@Suite struct JSONStringScan {
    /// `prefix` bytes of plain text, then `stop`, then more text, for every offset of the stop byte in a word.
    static func string(prefix: Int, stop: String, tail: String = "tail") -> String {
        String(repeating: "a", count: prefix) + stop + tail
    }

    @Test(arguments: 0..<17)
    func aQuoteOrAnEscapeIsFoundAtEveryOffset(prefix: Int) throws {
        for (escaped, decoded) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é")] {
            let body = Self.string(prefix: prefix, stop: escaped)
            let json = Array(#"{"keep":"\#(body)","skip":"\#(body)","n":1}"#.utf8)
            let whole = try JSONParser.parse(json)
            let expected = Self.string(prefix: prefix, stop: decoded)
            #expect(whole == .object(["keep": .string(expected), "skip": .string(expected), "n": .int(1)]))
            let partial = try json.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: ["keep", "n"]) }
            #expect(partial == .object(["keep": .string(expected), "n": .int(1)]))
        }
    }

    @Test(arguments: 0..<17)
    func aControlCharacterIsRejectedAtEveryOffset(prefix: Int) {
        for control: UInt8 in [0x00, 0x09, 0x0A, 0x1F] {
            var body = Array(Self.string(prefix: prefix, stop: "").utf8)
            body.insert(control, at: prefix)
            for key in ["keep", "skip"] {
                let json = Array(#"{"\#(key)":""#.utf8) + body + Array(#""}"#.utf8)
                #expect(throws: JSONError.self) {
                    try json.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: ["keep"]) }
                }
            }
        }
    }

    @Test(arguments: 0..<17)
    func nonASCIITextIsValidatedAtEveryOffset(prefix: Int) throws {
        let text = Self.string(prefix: prefix, stop: "é😀", tail: "zzzzzzzzzz")
        #expect(try JSONParser.parse(Array(#"["\#(text)"]"#.utf8)) == .array([.string(text)]))
        var broken = Array(#"[""#.utf8) + Array(String(repeating: "a", count: prefix).utf8)
        broken += [0xC3, 0x28] + Array("zzzzzzzzzz\"]".utf8)  // 0xC3 must start a two-byte sequence
        #expect(throws: JSONError.self) { try JSONParser.parse(broken) }
    }

    /// A word holding the closing quote is passed up to the quote at once: a non-ASCII byte just before it (in
    /// the same word) is still seen, so a broken sequence there is refused and a whole one read.
    @Test(arguments: 0..<17)
    func aByteBeforeTheClosingQuoteIsValidatedAtEveryOffset(prefix: Int) throws {
        let lead = Array(String(repeating: "a", count: prefix).utf8)
        for (tail, valid) in [([UInt8](), true), ([0xC3], false), ([0xC3, 0xA9], true), ([0xE2, 0x82], false),
                              ([0xF0, 0x9F, 0x98, 0x80], true), ([0x80], false), ([0x7E], true)] {
            for key in ["keep", "skip"] {
                let json = Array(#"{"\#(key)":""#.utf8) + lead + tail + Array(#"","n":1}"#.utf8)
                let parse = { try json.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: ["keep", "n"]) } }
                if valid || key == "skip" {
                    // A skipped value is not validated (as before): only its end is found.
                    let value = try parse()
                    let text = String(decoding: lead + tail, as: UTF8.self)
                    #expect(value == .object(key == "keep" ? ["keep": .string(text), "n": .int(1)] : ["n": .int(1)]))
                } else {
                    #expect(throws: JSONError.self) { try parse() }
                }
            }
        }
    }

    @Test func anUnterminatedLongStringIsReported() {
        let json = Array(("[\"" + String(repeating: "x", count: 40)).utf8)
        #expect(throws: JSONError.self) { try JSONParser.parse(json) }
        #expect(throws: JSONError.self) {
            try Array(("{\"skip\":\"" + String(repeating: "x", count: 40)).utf8).withUnsafeBufferPointer {
                try JSONParser.parse(buffer: $0, keeping: ["keep"])
            }
        }
    }
}
