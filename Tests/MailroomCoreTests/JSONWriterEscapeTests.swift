import Foundation
import Testing
@testable import MailroomCore

/// `JSONWriter` passes whole words of plain bytes at once: every byte that needs an escape is still found, at every
/// place in a word, among ASCII and multi-byte UTF-8.
@Suite struct JSONWriterEscapeTests {
    /// The escaping byte by byte, as the writer did before it passed words.
    static func reference(_ s: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for c in s.utf8 {
            switch c {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F: out += Array(String(format: "\\u%04x", c).utf8)
            default: out.append(c)
            }
        }
        out.append(0x22)
        return out
    }

    static func written(_ s: String) -> [UInt8] {
        var w = JSONWriter()
        w.string(s)
        return w.bytes
    }

    @Test func everyEscapedByteIsFoundAtEveryPlaceOfAWord() {
        let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", " ", "~", "é", "😀"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 40] {
            for at in 0..<max(length, 1) {
                for special in specials {
                    var chars = Array(repeating: Character("a"), count: length)
                    if length > 0 { chars[at] = special }
                    let s = String(chars)
                    #expect(Self.written(s) == Self.reference(s), "\(s.debugDescription)")
                }
            }
        }
        // Two bytes to escape in one word, one right after the other, and at the string's last bytes.
        for length in 2...20 {
            for at in 0..<(length - 1) {
                var chars = Array(repeating: Character("b"), count: length)
                chars[at] = "\""
                chars[at + 1] = "\u{1}"
                let s = String(chars)
                #expect(Self.written(s) == Self.reference(s), "\(s.debugDescription)")
            }
        }
        let mixed = "Grüße \"Dana\"\r\n\tC:\\path\u{7F} \u{1}end 😀 ünïcödé ending"
        #expect(Self.written(mixed) == Self.reference(mixed))
        #expect(String(decoding: Self.written("a\"b\\c\nd\u{1}"), as: UTF8.self) == #""a\"b\\c\nd\u0001""#)
    }

    /// Seeded strings of every length up to 90 (whole words, the last bytes, strings under 8 bytes), with
    /// bytes to escape anywhere, several in a word, among multi-byte characters: written as byte by byte, and read
    /// back as they were.
    @Test func seededStringsAreWrittenAsByteByByteAndReadBack() throws {
        let pieces: [String] = ["a", "b", "Z", " ", "~", "é", "😀", "\u{7F}", "\"", "\\", "\n", "\r", "\t", "\u{0}",
                                "\u{1F}", "ß", "東", "/", "<", "A"]
        var rng = SplitMix64(seed: 17)
        for round in 0..<4000 {
            let length = round % 91
            var s = ""
            for _ in 0..<length {
                // Mostly plain ASCII, so that long runs of whole words occur too.
                let r = Int(rng.next() % 100)
                s += r < 70 ? "x" : pieces[Int(rng.next() % UInt64(pieces.count))]
            }
            let out = Self.written(s)
            #expect(out == Self.reference(s), "\(s.debugDescription)")
            #expect(try JSONParser.parse(Array("[".utf8) + out + Array("]".utf8)) == .array([.string(s)]))
        }
    }
}
