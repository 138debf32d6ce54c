import Testing
@testable import MailroomIO

struct MboxFromLineTests {
    @Test(arguments: [
        ("From -", MboxFromLine.Kind.strong),
        ("From - ", .strong),
        ("From - Mon Jun  3 12:50:27 1996", .strong),
        ("From alice@example.com Sat Jan  3 01:05:34 1996", .strong),
        ("From MAILER-DAEMON Fri Jul  8 12:08:34 2011", .strong),
        ("From 1234@xxx Fri Sep 26 17:18:40 +0000 2025", .strong),
        ("From 1844347792267117879@xxx", .weak),
        ("From someone@example.com says hello", .weak),
        ("From Russia with love", .none),
        ("From here on, we go on", .none),
        ("From ", .none),
        (">From alice@example.com Sat Jan  3 01:05:34 1996", .none),
        ("Fromage", .none),
    ])
    func fromLinesAreClassifiedByShape(_ line: String, _ kind: MboxFromLine.Kind) {
        #expect(MboxFromLine.classify(Array(line.utf8)) == kind)
    }

    @Test(arguments: [
        ("From - Mon Jun  3 12:50:27 1996", Int64(833_806_227)),
        ("From alice@example.com Sat Jan  3 01:05:34 1996", 820_631_134),
        ("From 1234@xxx Fri Sep 26 17:18:40 +0000 2025", 1_758_907_120),
        ("From bob@example.com Fri Sep 26 19:18:40 +0200 2025", 1_758_907_120),
        ("From git Mon Sep 17 00:00:00 2001", 1_000_684_800),
        ("From x@y Thu, 26 Nov 2026 10:00 +0000", 1_795_687_200),
    ])
    func fromLineDatesAreReadAsUTC(_ line: String, _ epoch: Int64) {
        #expect(MboxFromLine.epochSeconds(Array(line.utf8)) == epoch)
    }

    @Test(arguments: ["From -", "From 1844347792267117879@xxx", "From x@y Mon Jun 3 1996", "From x@y 12:00 1996"])
    func fromLinesWithoutACompleteDateHaveNone(_ line: String) {
        #expect(MboxFromLine.epochSeconds(Array(line.utf8)) == nil)
    }

    @Test func quotedFromLinesAreRecognisedAndUnquotedByOneLevel() {
        #expect(MboxFromLine.isQuoted(Array(">From x".utf8)))
        #expect(MboxFromLine.isQuoted(Array(">>>From x".utf8)))
        #expect(!MboxFromLine.isQuoted(Array("> From x".utf8)))
        #expect(!MboxFromLine.isQuoted(Array("From x".utf8)))
        var b = Array(">From a\n>>From b\nx >From c\n>Fromage\n>From ".utf8)
        MboxQuoting.unquote(&b)
        #expect(String(decoding: b, as: UTF8.self) == "From a\n>From b\nx >From c\n>Fromage\nFrom ")
    }
}
