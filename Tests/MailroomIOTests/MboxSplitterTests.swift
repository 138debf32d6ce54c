import Foundation
import Testing
@testable import MailroomIO

/// An mbox input with the number of messages it holds.
struct MboxCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var count: Int
    /// The CRLF copy when replacing line ends is not enough (Content-Length counts bytes).
    var crlfText: String? = nil
    var testDescription: String { name }

    var bytes: [UInt8] { Array(text.utf8) }
    var crlf: MboxCase {
        MboxCase(name: name + " (CRLF)", text: crlfText ?? text.replacingOccurrences(of: "\n", with: "\r\n"),
                 count: count)
    }

    static let mboxrd = MboxCase(name: "mboxrd with >From lines", text: """
        From alice@example.com Mon Nov 16 10:00:00 2026
        Date: 2026-11-16T10:00:00Z
        Subject: one

        Hello
        >From the start
        >>From deeper

        From bob@example.com Tue Nov 17 11:30:00 2026
        Subject: two

        Bye

        """, count: 2)

    static let mboxo = MboxCase(name: "mboxo", text: """
        From a@example.com Sat Jan  3 01:05:34 1996
        Subject: x

        >From an mboxo quoted line
        text

        From c@example.com Sat Jan  3 02:05:34 1996
        Subject: y

        body

        """, count: 2)

    /// Message 1's body holds an unquoted From_ line; its Content-Length covers the body exactly (counted with
    /// the file's own line ends, so the CRLF copy has its own length).
    static func makeContentLength(crlf: Bool) -> MboxCase {
        let nl = crlf ? "\r\n" : "\n"
        let body = ["first", "From mallory@example.com Sat Jan  3 01:05:34 1996", "last", ""].joined(separator: nl)
        let lines = [
            "From a@example.com Sat Jan  3 01:05:34 1996", "Content-Length: \(body.utf8.count)", "Subject: cl", "",
            body,
            "From b@example.com Sun Jan  4 01:05:34 1996", "Content-Length: 999", "Subject: wrong length", "",
            "body", "",
            "From c@example.com Sun Jan  4 02:05:34 1996", "Subject: none", "", "end", "",
        ]
        return MboxCase(name: "Content-Length" + (crlf ? " (CRLF)" : ""), text: lines.joined(separator: nl), count: 3)
    }

    static let contentLength: MboxCase = {
        var c = makeContentLength(crlf: false)
        c.crlfText = makeContentLength(crlf: true).text
        return c
    }()

    static let noFinalNewline = MboxCase(name: "message at EOF without newline", text: """
        From a@example.com Sat Jan  3 01:05:34 1996
        Subject: a

        body

        From b@example.com Sat Jan  3 01:05:34 1996
        Subject: b

        last line
        """, count: 2)

    static let netscape = MboxCase(name: "BOM, From - lines, unmunged body", text: "\u{FEFF}" + """
        From -
        Subject: a

        From Russia with love

        text
        From - Mon Jun  3 12:50:27 1996
        Subject: b

        x

        """, count: 2)

    static let weak = MboxCase(name: "From lines without dates", text: """
        From 1844347792267117879@xxx
        Subject: a

        body

        From 1844347839636459560@xxx
        Subject: b

        body
        From 1844347869536581428@xxx

        """, count: 2)

    static let all: [MboxCase] = [mboxrd, mboxo, contentLength, noFinalNewline, netscape, weak,
                                  mboxrd.crlf, contentLength.crlf, noFinalNewline.crlf]
}

struct MboxSplitterTests {
    static func split(_ bytes: [UInt8], chunkSize: Int) throws -> [MboxSplitter.Message] {
        let dir = try TempDir()
        let url = try dir.write("in.mbox", bytes: bytes)
        let splitter = MboxSplitter(file: try ReadOnlyFile(path: url.path), chunkSize: chunkSize)
        var out: [MboxSplitter.Message] = []
        while let m = try splitter.next() { out.append(m) }
        return out
    }

    /// Each message with the header section the splitter gives for it (`withHeader`).
    static func splitWithHeaders(_ bytes: [UInt8], chunkSize: Int) throws -> [(MboxSplitter.Message, [UInt8])] {
        let dir = try TempDir()
        let url = try dir.write("in.mbox", bytes: bytes)
        let splitter = MboxSplitter(file: try ReadOnlyFile(path: url.path), chunkSize: chunkSize)
        var out: [(MboxSplitter.Message, [UInt8])] = []
        while let m = try splitter.next() { out.append((m, try splitter.withHeader(of: m) { Array($0) })) }
        return out
    }

    static func text(_ bytes: [UInt8], _ m: MboxSplitter.Message) -> String {
        var b = Array(bytes[m.start..<(m.start + m.length)])
        if m.unquote { MboxQuoting.unquote(&b) }
        return String(decoding: b, as: UTF8.self)
    }

    @Test(arguments: MboxCase.all, [1, 2, 3, 7, 64, 4096, 1 << 20])
    func theSplitterGivesTheSameMessagesForEveryChunkSize(_ input: MboxCase, _ chunkSize: Int) throws {
        let reference = try Self.split(input.bytes, chunkSize: 1 << 20)
        let messages = try Self.split(input.bytes, chunkSize: chunkSize)
        #expect(messages.count == input.count)
        #expect(messages == reference)
        // The From_ line's date comes with the message, read where the line was classified: the same as reading
        // the line again.
        for m in messages { #expect(m.fromEpoch == MboxFromLine.epochSeconds(m.fromLine)) }
    }

    /// Body lines that start with no byte the splitter looks at are passed by a buffer at a time
    /// (`ChunkedLineReader.skipLines`): seeded mailboxes whose bodies mix such lines with From_ lines (dated and
    /// not), quoted ones, blank lines (LF and CR LF), lines starting with CR, and a last line with or without a
    /// newline split the same at a one-byte read size (every line read alone) as at sizes that hold many lines.
    @Test(arguments: [11, 12, 13, 14])
    func bodyLinesPassedByTheBufferSplitAsLinesReadOneByOne(seed: UInt64) throws {
        var rng = XorShiftLines(seed: seed)
        let body = ["plain text here", "F", "Fro", "From", "From me", "From someone at work", ">From the list", ">>From x",
                    "", "\r", "\rx", "x\r", "From a@b.example Thu Nov 20 10:00:00 2026", "Content-Length: 3", "Fx", "  indented"]
        var text = ""
        for i in 0..<Int.random(in: 2...14, using: &rng) {
            text += i == 0 || Bool.random(using: &rng) ? "From a@b.example Mon Nov 17 09:00:00 2026\n" : ""
            text += "From: a@b.example\nSubject: \(i)\n\n"
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                let line = Int.random(in: 0..<3, using: &rng) == 0 ? body.randomElement(using: &rng)! : "text line \(i)"
                text += line + (Bool.random(using: &rng) ? "\r\n" : "\n")
            }
        }
        if Bool.random(using: &rng) { text += "last line without newline" }
        let bytes = Array(text.utf8)
        let oneByOne = try Self.split(bytes, chunkSize: 1)
        #expect(oneByOne.count >= 2)
        for chunkSize in [16, 64, 4096, 1 << 20] {
            #expect(try Self.split(bytes, chunkSize: chunkSize) == oneByOne, "chunk size \(chunkSize)")
        }
    }

    /// The header section is kept as the lines are split instead of read again: the same bytes as the file holds
    /// there, for every chunk size (lines cut across reads), with and without a body, a Content-Length, a BOM,
    /// CR LF, leading text without a From_ line, and the last message without a newline.
    @Test(arguments: MboxCase.all + [
        MboxCase(name: "header sections ended by the next From_ line", text: "From a@b Mon Nov 16 10:00:00 2026\nSubject: x\nFrom c@d Mon Nov 16 10:00:00 2026\nSubject: y", count: 2),
        // The first message's first line is read before it is known to start a message: its header is read again.
        MboxCase(name: "text before the first From_ line", text: "\n\nSubject: stray\n\ntext\n\nFrom a@example.com Sat Jan  3 01:05:34 1996\nSubject: b\n\nx\n", count: 2),
    ],
          [1, 2, 3, 7, 64, 1 << 20])
    func theHeaderSectionKeptWhileSplittingIsTheFilesBytes(_ input: MboxCase, _ chunkSize: Int) throws {
        let bytes = input.bytes
        let split = try Self.splitWithHeaders(bytes, chunkSize: chunkSize)
        #expect(split.count == input.count)
        for (m, header) in split {
            let expected = Array(bytes[m.start..<(m.start + min(m.headerLength, HeaderSection.cap))])
            #expect(header == expected, "message at \(m.start), chunk size \(chunkSize)")
        }
    }

    @Test func aHeaderSectionOverTheCapIsCutAtTheCap() throws {
        let long = String(repeating: "X-Filler: " + String(repeating: "a", count: 90) + "\n", count: (HeaderSection.cap / 100) + 10)
        let bytes = Array(("From a@b Mon Nov 16 10:00:00 2026\n" + long + "\nbody\n").utf8)
        let split = try Self.splitWithHeaders(bytes, chunkSize: 4096)
        try #require(split.count == 1)
        #expect(split[0].0.headerLength > HeaderSection.cap)
        #expect(split[0].1 == Array(bytes[split[0].0.start..<(split[0].0.start + HeaderSection.cap)]))
    }

    @Test func mboxrdMessagesAreCutAtFromLinesAndUnquotedOnRead() throws {
        let bytes = MboxCase.mboxrd.bytes
        let m = try Self.split(bytes, chunkSize: 5)
        try #require(m.count == 2)
        #expect(m[0].fromLineOffset == 0)
        #expect(m[0].unquote)
        #expect(!m[1].unquote)
        #expect(String(decoding: m[0].fromLine, as: UTF8.self) == "From alice@example.com Mon Nov 16 10:00:00 2026")
        #expect(Self.text(bytes, m[0]) == "Date: 2026-11-16T10:00:00Z\nSubject: one\n\nHello\nFrom the start\n>From deeper\n")
        #expect(Self.text(bytes, m[1]) == "Subject: two\n\nBye\n")
        #expect(m[0].headerLength == "Date: 2026-11-16T10:00:00Z\nSubject: one\n\n".utf8.count)
    }

    @Test func aTrustedContentLengthKeepsUnquotedFromLinesInTheBody() throws {
        let bytes = MboxCase.contentLength.bytes
        let m = try Self.split(bytes, chunkSize: 3)
        try #require(m.count == 3)
        #expect(m[0].contentLengthDelimited)
        #expect(Self.text(bytes, m[0]).hasSuffix("first\nFrom mallory@example.com Sat Jan  3 01:05:34 1996\nlast\n"))
        // A Content-Length that points nowhere useful is ignored: the From_ lines decide.
        #expect(!m[1].contentLengthDelimited)
        #expect(Self.text(bytes, m[1]) == "Content-Length: 999\nSubject: wrong length\n\nbody\n")
        #expect(Self.text(bytes, m[2]) == "Subject: none\n\nend\n")
    }

    @Test func theLastMessageMayEndWithoutANewline() throws {
        let bytes = MboxCase.noFinalNewline.bytes
        let m = try Self.split(bytes, chunkSize: 2)
        try #require(m.count == 2)
        #expect(Self.text(bytes, m[0]) == "Subject: a\n\nbody\n")
        #expect(Self.text(bytes, m[1]) == "Subject: b\n\nlast line")
    }

    @Test func aBomIsSkippedAndFromDashLinesSeparateWithoutABlankLine() throws {
        let bytes = MboxCase.netscape.bytes
        let m = try Self.split(bytes, chunkSize: 1)
        try #require(m.count == 2)
        #expect(m[0].fromLineOffset == 3)
        #expect(Self.text(bytes, m[0]) == "Subject: a\n\nFrom Russia with love\n\ntext\n")
        #expect(MboxFromLine.epochSeconds(m[1].fromLine) == 833_806_227)
        #expect(m[1].fromEpoch == 833_806_227)
        #expect(m[0].fromEpoch == nil)  // `From -` without a date
    }

    @Test func fromLinesWithoutDatesSeparateOnlyAfterABlankLine() throws {
        let bytes = MboxCase.weak.bytes
        let m = try Self.split(bytes, chunkSize: 4096)
        try #require(m.count == 2)
        #expect(Self.text(bytes, m[1]) == "Subject: b\n\nbody\nFrom 1844347869536581428@xxx\n")
    }

    @Test(arguments: [MboxCase.mboxrd, .mboxo, .contentLength, .noFinalNewline, .netscape, .weak])
    func lfAndCrlfCopiesGiveTheSameMessageBytesModuloLineEnds(_ input: MboxCase) throws {
        let lf = input.bytes
        let crlf = input.crlf.bytes
        let a = try Self.split(lf, chunkSize: 7)
        let b = try Self.split(crlf, chunkSize: 7)
        #expect(a.count == b.count)
        // Content-Length values differ between the copies (they count bytes): compare without them.
        func comparable(_ s: String) -> String {
            s.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("Content-Length:") }.joined(separator: "\n")
        }
        for (x, y) in zip(a, b) {
            #expect(comparable(Self.text(lf, x)) == comparable(Self.text(crlf, y)))
            #expect(x.unquote == y.unquote)
            #expect(x.contentLengthDelimited == y.contentLengthDelimited)
        }
    }

    @Test func leadingTextBeforeTheFirstFromLineIsAMessageOfItsOwn() throws {
        let bytes = Array("\n\nSubject: stray\n\ntext\n\nFrom a@example.com Sat Jan  3 01:05:34 1996\nSubject: b\n\nx\n".utf8)
        let m = try Self.split(bytes, chunkSize: 4)
        try #require(m.count == 2)
        #expect(m[0].fromLine.isEmpty)
        #expect(m[0].fromLineOffset == 2)
        #expect(Self.text(bytes, m[0]) == "Subject: stray\n\ntext\n")
    }

    @Test func anEmptyOrBlankFileHasNoMessages() throws {
        #expect(try Self.split([], chunkSize: 3).isEmpty)
        #expect(try Self.split(Array("\n\r\n\n".utf8), chunkSize: 3).isEmpty)
        #expect(try Self.split([0xEF, 0xBB, 0xBF], chunkSize: 3).isEmpty)
    }

    @Test func linesLongerThanTheBufferAreCountedWhole() throws {
        let long = String(repeating: "x", count: 5000)
        let text = "From a@example.com Sat Jan  3 01:05:34 1996\nSubject: a\n\n\(long)\n\nFrom b@example.com Sat Jan  3 01:05:34 1996\n\n\(long)"
        for chunk in [3, 64, 4096] {
            let m = try Self.split(Array(text.utf8), chunkSize: chunk)
            try #require(m.count == 2)
            #expect(m[0].length == "Subject: a\n\n".utf8.count + 5001)
            #expect(m[1].length == 5001)
        }
    }

    @Test func contentLengthHeadersAreReadInAnyCase() {
        #expect(MboxSplitter.contentLengthValue(Array("Content-Length: 1213".utf8)) == 1213)
        #expect(MboxSplitter.contentLengthValue(Array("content-length:2579   ".utf8)) == 2579)
        #expect(MboxSplitter.contentLengthValue(Array("Content-Length: abc".utf8)) == nil)
        #expect(MboxSplitter.contentLengthValue(Array("Content-Type: text/plain".utf8)) == nil)
    }
}

/// Seeded choices for the generated mailboxes above (xorshift64*).
private struct XorShiftLines: RandomNumberGenerator {
    private var x: UInt64
    init(seed: UInt64) { x = seed | 1 }
    mutating func next() -> UInt64 {
        x ^= x >> 12
        x ^= x << 25
        x ^= x >> 27
        return x &* 0x2545_F491_4F6C_DD1D
    }
}
