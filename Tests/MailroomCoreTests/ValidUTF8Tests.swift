import Foundation
import Testing
@testable import MailroomCore

/// `ValidUTF8` accepts exactly what `String(validating:as: UTF8.self)` accepts, and gives the same text.
@Suite struct ValidUTF8Tests {
    static func check(_ bytes: [UInt8]) -> Bool {
        let expected = String(validating: bytes, as: UTF8.self)
        return bytes.withUnsafeBufferPointer { ValidUTF8.string($0) == expected && ValidUTF8.isValid($0) == (expected != nil) }
    }

    /// Every sequence of one and two bytes, and from every lead byte every second byte followed by the edges of
    /// the continuation range (one more byte, or two more after a four-byte lead).
    @Test func everyShortSequenceIsJudgedAsTheStandardLibraryJudgesIt() {
        var wrong: [[UInt8]] = []
        for a in 0...255 {
            if !Self.check([UInt8(a)]) { wrong.append([UInt8(a)]) }
            for b in 0...255 where !Self.check([UInt8(a), UInt8(b)]) { wrong.append([UInt8(a), UInt8(b)]) }
        }
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        for a in 0xC0...0xFF {
            for b in 0...255 {
                for c in edges where !Self.check([UInt8(a), UInt8(b), c]) { wrong.append([UInt8(a), UInt8(b), c]) }
                for c in edges where a >= 0xF0 && a <= 0xF7 {
                    for d in edges where !Self.check([UInt8(a), UInt8(b), c, d]) { wrong.append([UInt8(a), UInt8(b), c, d]) }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    /// Seeded texts of ASCII runs (whole eight-byte words and tails), multi-byte characters cut anywhere, lone
    /// continuation bytes, surrogates and overlong forms, at every alignment.
    @Test func mixedTextsAreJudgedAsTheStandardLibraryJudgesThem() {
        var rng = SplitMix64(seed: 71)
        let good: [[UInt8]] = [Array("plain ASCII text, eight+".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8),
                               Array("\u{10FFFF}".utf8), Array("\u{D7FF}".utf8), Array("\u{E000}".utf8), [0x00], Array("x".utf8)]
        let bad: [[UInt8]] = [[0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x9F, 0x80], [0xED, 0xA0, 0x80],
                              [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82],
                              [0xF0, 0x9F, 0x98], [0xFF]]
        var valid = 0, invalid = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                bytes += Int.random(in: 0..<20, using: &rng) == 0 ? bad.randomElement(using: &rng)! : good.randomElement(using: &rng)!
            }
            for cut in [0, 1, 3, 7] where cut <= bytes.count {
                let slice = Array(bytes.dropFirst(cut))
                #expect(Self.check(slice), "\(slice)")
                if String(validating: slice, as: UTF8.self) == nil { invalid += 1 } else { valid += 1 }
            }
        }
        #expect(valid > 30_000 && invalid > 20_000, "valid \(valid), invalid \(invalid)")
        // Through the header reader, on an array and on a slice that is not contiguous from its start.
        #expect(HeaderText.validUTF8(Array("Grüße".utf8)) == "Grüße")
        #expect(HeaderText.validUTF8([0x47, 0xFC, 0x65]) == nil)
        #expect(HeaderText.validUTF8(Array("Grüße".utf8).dropFirst(2)) == "üße")
    }

    /// Every line of every mail file of the third-party corpora, mboxes included (raw 8-bit headers and bodies in
    /// koi8-r, iso-8859-2 and latin-1, UTF-8 headers, ISO-2022-JP, base64 and binary parts), as the header reader
    /// and JSON strings meet them.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus lines skipped"))
    func realMailLinesAreJudgedAsTheStandardLibraryJudgesThem() throws {
        var lines = 0, short = 0, invalid = 0
        var wrong: [String] = []
        let files = FileManager.default.enumerator(at: NormalizeCorpora.corpora, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { !$0.hasDirectoryPath && !$0.path.contains("UPSTREAM-LICENSE") && !["md", "tsv"].contains($0.pathExtension) } ?? []
        for url in files.sorted(by: { $0.path < $1.path }) {
            let bytes = try [UInt8](Data(contentsOf: url))
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                let expected = String(validating: line, as: UTF8.self)
                let ok = line.withContiguousStorageIfAvailable { ValidUTF8.string($0) == expected && ValidUTF8.isValid($0) == (expected != nil) }
                if ok != true { wrong.append("\(url.lastPathComponent): \(Array(line.prefix(40)))") }
                #expect(HeaderText.validUTF8(line) == expected)
                lines += 1
                if line.count <= ValidUTF8.shortText { short += 1 }
                if expected == nil { invalid += 1 }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(lines > 70_000 && short > 15_000 && invalid >= 10, "lines \(lines), short \(short), invalid \(invalid)")
    }

    /// `incompleteTail`: a character cut after each of its bytes leaves exactly those bytes to drop; a whole one,
    /// ASCII, and malformed endings (stray continuation bytes, nothing before them) leave none.
    @Test func incompleteTailCountsOnlyTheBytesOfACutCharacter() {
        let scalars: [Unicode.Scalar] = ["a", "\u{7F}", "\u{80}", "é", "\u{7FF}", "\u{800}", "Ж", "語", "\u{FFFF}",
                                         "\u{10000}", "🙂", "\u{10FFFF}"]
        for s in scalars {
            let char = Array(String(s).utf8)
            for prefix in [[], Array("ab".utf8), Array("é".utf8)] {
                for k in 0...char.count {
                    let bytes = prefix + char.prefix(k)
                    let expected = k == 0 || k == char.count ? 0 : k
                    #expect(ValidUTF8.incompleteTail(bytes) == expected, "\(s) cut after \(k) bytes, prefix \(prefix)")
                }
            }
        }
        #expect(ValidUTF8.incompleteTail([]) == 0)
        #expect(ValidUTF8.incompleteTail([0x80]) == 0)
        #expect(ValidUTF8.incompleteTail([0x80, 0x80, 0x80, 0x80]) == 0)
        #expect(ValidUTF8.incompleteTail([0xC3, 0xA9, 0x80]) == 0)  // é and a stray continuation byte
        #expect(ValidUTF8.incompleteTail([0x61, 0xE8, 0xAA]) == 2)  // the first two bytes of 語
    }
}
