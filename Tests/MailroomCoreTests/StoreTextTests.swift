import Testing
@testable import MailroomCore

/// What both stores keep of text (no NUL, valid UTF-8) and how it is escaped for PostgreSQL's COPY.
@Suite struct StoreTextTests {
    @Test func nulAndInvalidUTF8BecomeReplacementCharacters() {
        // a NUL b, a lone 0xFF, C3 followed by a non-continuation, a truncated 3-byte sequence, an encoded surrogate.
        let bytes: [UInt8] = [0x61, 0x00, 0x62, 0xFF, 0xC3, 0x28, 0xE2, 0x82, 0x41, 0xED, 0xA0, 0x80]
        #expect(StoreText.normalized(bytes) == "a\u{FFFD}b\u{FFFD}\u{FFFD}(\u{FFFD}A\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(StoreText.normalized(Array("déjà vu 😀".utf8)) == "déjà vu 😀")
        #expect(StoreText.normalized("x\u{0}\u{0}y") == "x\u{FFFD}\u{FFFD}y")
        #expect(!StoreText.needsNormalizing("plain \u{1} text"))
        #expect(StoreText.needsNormalizing("nul\u{0}"))
        // The same text from bytes and from a string.
        #expect(StoreText.normalized(Array("q\u{0}r".utf8)) == StoreText.normalized("q\u{0}r"))
    }

    @Test func copyTextEscapesBackslashTabNewlineAndCarriageReturn() {
        var out: [UInt8] = []
        PostgresCopy.appendRow(["a\tb", "c\nd\re", "back\\slash \\N", nil, "", "x\u{0}y"], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a\\tb\tc\\nd\\re\tback\\\\slash \\\\N\t\\N\t\tx\u{FFFD}y\n")
        out.removeAll()
        PostgresCopy.appendRow(["😀"], to: &out)
        PostgresCopy.appendRow([nil], to: &out)
        #expect(out == Array("😀\n\\N\n".utf8))
    }

    /// Rows are sent in one order of their keys whoever encodes them: bytewise over the encoded lines, a key that is
    /// a prefix of another first, whatever the fields after the key.
    @Test func encodedRowsComeInTheBytewiseOrderOfTheirKeys() {
        let rows: [[String?]] = [["é", "1"], ["z", "2"], ["Z", "3"], ["ab", "4"], ["a", "9"], ["a\tb", "5"], [nil, "6"]]
        let text = String(decoding: PostgresCopy.encodeSorted(rows), as: UTF8.self)
        #expect(text == "Z\t3\n\\N\t6\na\t9\na\\tb\t5\nab\t4\nz\t2\né\t1\n")
        let lines = PostgresCopy.encodeLines([["b", "x"], ["a", nil]])
        #expect(String(decoding: lines.bytes, as: UTF8.self) == "b\tx\na\t\\N\n")
        #expect(lines.ends == [4, 9])
        #expect(PostgresCopy.byteOrder(lines.bytes, lines.ends) == [1, 0])
        #expect(PostgresCopy.encodeSorted([]).isEmpty)
    }

    @Test func linesAreGroupedByTheirWholeFirstField() {
        // "a" is a prefix of "ab" and of "a\tb" (escaped), and one line of "a" comes last: three groups, not one.
        let lines = PostgresCopy.encodeLines([["a", "2"], ["ab", "1"], ["a\tb", "1"], ["b", "1"], ["a", "1"]])
        let runs = PostgresCopy.runsOfFirstField(lines.bytes, lines.ends)
        #expect(runs.map { String(decoding: $0.field, as: UTF8.self) } == ["a\t", "a\\tb\t", "ab\t", "b\t"])
        #expect(runs.map(\.lines) == [[4, 0], [2], [1], [3]])
        #expect(PostgresCopy.runsOfFirstField([], []).isEmpty)
    }
}
