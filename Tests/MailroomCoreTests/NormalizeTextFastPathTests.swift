import Foundation
import Testing
@testable import MailroomCore

/// The byte-level fast paths for ASCII text give the same answers as the general Unicode operations.
@Suite struct NormalizeTextFastPaths {
    static let haystacks: [String] = [
        "", "<", "a<b", "xn--bcher-kva.example", "XN--BCHER.example", "a..b", "a.b.", ". @ x", "a@\tb", "=?utf-8?q?x?=",
        "<mailer-daemon@x>", "x<\u{338}y", "\u{226E}", "a.\u{301}.b", "a..\u{301}", "a..\u{301}b..c", "é<", "<é",
        "caf\u{E9} xn--", "\r\n<\r\n", "\u{37E}", "Bücher..example", "=\u{338}?", "a =?",
    ]
    static let needles: [StaticString] = ["<", "xn--", "..", " @", "@\t", "=?", "<mailer-daemon", "/", "(", "xN"]

    @Test(arguments: haystacks)
    func asciiSearchMatchesTheGeneralSearch(text: String) {
        for n in Self.needles {
            #expect(text.containsASCII(n) == text.contains(n.description), "needle \(n)")
        }
    }

    /// The collapse as first written: by Unicode scalars, appending to an array.
    static func referenceCollapse(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                if v == 0x20 || (v >= 0x09 && v <= 0x0D) {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if v < 0x20 || v == 0x7F { continue }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(UInt8(v))
                continue
            }
            if u.properties.isWhitespace || v == 0x200B || v == 0xFEFF {
                pendingSpace = !out.isEmpty
                continue
            }
            if v <= 0x9F { continue }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(contentsOf: UTF8.encode(u)!)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let collapseInputs: [String] = [
        "", " ", "\t\r\n", " a  b\t\tc\r\nd ", "\u{1}ctl\u{7F}\u{85}nel\u{A0}nbsp\u{200B}zw\u{FEFF}bom\u{9F}c1",
        "Grüße  aus\u{3000}Wien", "テスト テスト", "e\u{301}\u{302} x", "🇩🇪🇫🇷 👩‍👩‍👧 end",
        String(repeating: "word ", count: 200), String(repeating: "wörd\u{2003}", count: 200),
        String(repeating: "a\u{301}\u{302}\u{303} ", count: 300), String(repeating: "x", count: 441) + "\u{301}tail",
        String(repeating: "🇩🇪", count: 300), String(repeating: "\t\n", count: 500) + "late text",
        String(repeating: "ab ", count: 147) + "\u{1}\u{2}" + String(repeating: " ", count: 50),
    ]

    @Test(arguments: collapseInputs)
    func byteCollapseMatchesTheScalarCollapse(text: String) {
        #expect(HeaderText.collapsingWhiteSpace(text) == Self.referenceCollapse(text))
    }

    @Test(arguments: collapseInputs, [1, 21, 221])
    func cutCollapseKeepsTheFullCollapseStart(text: String, characters: Int) {
        let full = HeaderText.collapsingWhiteSpace(text)
        let cut = HeaderText.collapsingWhiteSpace(text, keepingAtLeast: characters)
        #expect(full.utf8.starts(with: cut.utf8))
        #expect(Array(cut.prefix(characters - 1)) == Array(full.prefix(characters - 1)))
        #expect(cut.count >= characters || cut == full)
    }

    @Test(arguments: collapseInputs, [1, 21, 221])
    func collapsedCharacterCountTestMatchesCounting(text: String, characters: Int) {
        let collapsed = HeaderText.collapsingWhiteSpace(text)
        #expect(HeaderText.collapsedText(collapsed, hasAtLeast: characters) == (collapsed.count >= characters))
    }

    @Test(arguments: ["utf-8", "UTF-8", "\"us-ascii\"", "iso-8859-1", "windows-1252", "utf-16", "iso-8859-15",
                      "x-nonesuch", "shift_jis", "utf-8*en", nil] as [String?])
    func asciiCharsetsDecodeASCIIAsItself(charset: String?) {
        let ascii: [UInt8] = Array("Plain text, 7 bit: ok?".utf8)
        let decoded = HeaderText.decode(ascii, charset: charset)
        if HeaderText.decodesASCIIAsItself(charset: charset) {
            #expect(decoded.text == "Plain text, 7 bit: ok?" && !decoded.unknown)
        }
    }

    @Test(arguments: ["", "a", " a", "a ", "\ta\n", "\r\na\r\n", "\ra", "a\r", " \u{301}a", "a \u{301}", "\u{A0}a\u{A0}",
                      "é", " é ", "\r\n", "\n\r", "  "])
    func asciiTrimMatchesCharacterTrim(text: String) {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        #expect(text.trimmingASCIISpaces() == String(s))
        #expect(Array(text.trimmingASCIISpaces().utf8) == Array(String(s).utf8))
    }

    /// Header bytes as text the way it was first written: ASCII, else decoder-validated UTF-8, else windows-1252.
    static func referenceHeaderString(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: return HeaderText.windows1252(bytes)
            }
        }
    }

    @Test(arguments: [
        [], [0x41], Array("Grüße €".utf8), [0xC3], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF0, 0x9F, 0x98], [0x80], [0xFF, 0xFE], [0x47, 0xFC, 0x80, 0x9F],
        [0xEF, 0xBB, 0xBF, 0x41], [0x00, 0x7F, 0xC2, 0x80], [0xE2, 0x82, 0xAC, 0xE2, 0x82],
    ] as [[UInt8]])
    func headerBytesDecodeAsFirstWritten(bytes: [UInt8]) {
        #expect(Array(HeaderText.string(bytes).utf8) == Array(Self.referenceHeaderString(bytes).utf8))
        #expect(Array(HeaderText.string(bytes[...]).utf8) == Array(Self.referenceHeaderString(bytes).utf8))
    }

    /// A body without CR is hashed in one piece; with CRs line by line. Both give the same hash.
    @Test(arguments: ["", "x", "one line", "a\nb", "a\nb\n", "a\n\n\nb\n\n\n", "\n\nlead", "tail  \t\n \n", "x\n\ty \n z"])
    func wholeBodyHashEqualsLineByLineHash(body: String) {
        func hash(_ eol: String, _ text: String) -> String {
            let message = ("From: a@b.example\nSubject: s\n\n" + text).replacingOccurrences(of: "\n", with: eol)
            return NormalizeFixture.withBytes(message) { b in
                ContentHash.compute(b, top: HeaderParser.parse(b, range: 0..<b.count, topLevel: true))
            }
        }
        let lf = hash("\n", body)
        #expect(hash("\r\n", body) == lf)
        #expect(hash("\r", body) == lf)
        #expect(hash("\r\r\n", body) == lf)
        let mixed = body.replacingOccurrences(of: "\n\n", with: "\r\n\n")
        #expect(hash("\n", mixed) == lf)
    }

    @Test func asciiLetterAndNumberTestsMatchTheCharacterProperties() {
        var characters: [Character] = (0...0x7F).map { Character(Unicode.Scalar(UInt8($0))) }
        characters += ["\r\n", "é", "e\u{301}", "a\u{301}", "1\u{20E3}", "٣", "Ⅻ", "ß", "𝒜", "½"]
        for c in characters {
            #expect(BaseSubject.isLetter(c) == c.isLetter, "\(c.unicodeScalars.map(\.value))")
            #expect(BaseSubject.isNumber(c) == c.isNumber, "\(c.unicodeScalars.map(\.value))")
        }
    }

    /// The White_Space set written out equals the property table's over every scalar.
    @Test func whiteSpaceAboveASCIIIsTheUnicodeProperty() {
        var found = 0, differ: [UInt32] = []
        for v in UInt32(0x80)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }  // surrogates
            let table = u.properties.isWhitespace
            if HeaderText.isNonASCIIWhiteSpace(v) != table || String.isWhiteSpace(u) != table { differ.append(v) }
            if table { found += 1 }
        }
        #expect(differ.isEmpty, "\(differ.prefix(20).map { "U+" + String($0, radix: 16) })")
        #expect(found == 19)
        for v in UInt32(0)..<0x80 { #expect(String.isWhiteSpace(Unicode.Scalar(v)!) == Unicode.Scalar(v)!.properties.isWhitespace) }
    }
}
