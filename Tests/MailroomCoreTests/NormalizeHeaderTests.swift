import Testing
@testable import MailroomCore

@Suite struct NormalizeHeaderSplitting {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func headerSectionEndsAtTheFirstBlankLineForEveryLineEnding(eol: String) {
        let text = "From: a@b.example" + eol + "Subject: hi" + eol + eol + "body" + eol
        NormalizeFixture.withBytes(text) { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            #expect(h.fields.map(\.name) == ["from", "subject"])
            #expect(HeaderScan.headerLength(b) == text.utf8.count - ("body" + eol).utf8.count)
            #expect(Array(b[h.bodyStart...]) == Array(("body" + eol).utf8))
        }
    }

    @Test func foldedFieldsAreUnfoldedKeepingTheFoldingWhiteSpace() {
        NormalizeFixture.withBytes("Subject: one\r\n two\r\n\tthree\r\nTo: x@y.example\r\n\r\n") { b in
            #expect(HeaderScan.firstField("subject", in: b) == Array("one two\tthree".utf8))
            #expect(HeaderScan.firstField("TO", in: b) == Array("x@y.example".utf8))
            #expect(HeaderScan.firstField("cc", in: b) == nil)
        }
    }

    /// Field lookups tell names of other lengths apart before comparing them; for the lower-case ASCII names
    /// looked up, that is `==` against names read from any bytes (the Kelvin sign, which `==` makes equal to
    /// `K`, and a combining accent among them), and the fields found are those `==` finds.
    @Test func fieldLookupsFindWhatEqualityFinds() {
        let looked = ["date", "from", "to", "cc", "bcc", "subject", "message-id", "references", "in-reply-to",
                      "content-type", "content-transfer-encoding", "list-unsubscribe", "list-id", "sender", "k", "kk"]
        let read = looked + ["\u{212A}", "\u{212A}k", "k\u{212A}", "fro\u{301}m", "e\u{301}", "\u{E9}", "x-from", "from ",
                             "d\u{0}ate", "list-unsubscribe-post", ""]
        for a in read {
            for b in looked { #expect(HeaderBlock.same(a, b) == (a == b), "\(a.debugDescription) \(b)") }
        }
        let block = HeaderBlock(fields: read.enumerated().map { HeaderField(name: $1, value: [UInt8($0)]) })
        for b in looked {
            #expect(block.first(b) == block.fields.first { $0.name == b }?.value)
            #expect(block.all(b) == block.fields.filter { $0.name == b }.map(\.value))
            #expect(block.has(b) == block.fields.contains { $0.name == b })
        }
    }

    @Test func mboxEnvelopeLineIsSkipped() {
        NormalizeFixture.withBytes("From someone@example.com Tue Mar  5 10:22:01 2024\nFrom: a@b.example\n\nx") { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            #expect(h.hasFields)
            #expect(h.fields.map(\.name) == ["from"])
            #expect(HeaderScan.firstField("From", in: b) == Array("a@b.example".utf8))
        }
    }

    @Test func obsoleteFromFieldWithSpaceBeforeColonIsNotAnEnvelopeLine() {
        NormalizeFixture.withBytes("From : a@b.example\nSubject: s\n\nbody") { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            #expect(h.fields.map(\.name) == ["from", "subject"])
            #expect(HeaderScan.firstField("from", in: b) == Array("a@b.example".utf8))
        }
    }

    @Test func strayLineWithoutColonIsFlaggedAndSkipped() {
        NormalizeFixture.withBytes("From: a@b.example\nthis is junk\nSubject: s\n\nbody") { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            #expect(h.malformed)
            #expect(h.fields.map(\.name) == ["from", "subject"])
        }
    }

    @Test func missingBlankLineStartsTheBodyAtTheFirstNonFieldLine() {
        NormalizeFixture.withBytes("From: a@b.example\nSubject: s\nHello there.\nSecond line.\n") { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true)
            #expect(h.malformed)
            #expect(h.fields.count == 2)
            #expect(Array(b[h.bodyStart...]) == Array("Hello there.\nSecond line.\n".utf8))
        }
    }

    @Test func fieldsBeyondTheLimitAreSkippedButTheBodyIsStillFound() {
        var text = ""
        for n in 0..<5000 { text += "X-Field-\(n): value \(n)\n" }
        text += "\nbody"
        NormalizeFixture.withBytes(text) { b in
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: true, maxFields: 1000)
            #expect(h.fields.count == 1000)
            #expect(h.limitHit)
            #expect(Array(b[h.bodyStart...]) == Array("body".utf8))
        }
    }

    @Test func isoDateReadsTheDateHeader() {
        NormalizeFixture.withBytes("Subject: x\nDate: Tue, 5 Mar 2024 11:22:01 +0100\n\n") { b in
            #expect(HeaderScan.isoDate(in: b) == "2024-03-05T10:22:01Z")
        }
        NormalizeFixture.withBytes("Subject: x\nDate: yesterday\n\n") { b in
            #expect(HeaderScan.isoDate(in: b) == nil)
        }
    }
}

@Suite struct NormalizeDates {
    @Test(arguments: [
        ("Tue, 05 Mar 2024 10:22:01 +0000", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 11:22:01 +0100", "2024-03-05T10:22:01Z"),
        ("5 Mar 2024 05:22:01 -0500", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22 GMT", "2024-03-05T10:22:00Z"),
        ("Tue, 5 Mar 2024 10:22:01 UT", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 05:22:01 EST", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 03:22:01 PDT", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 Z", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 A", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 24 10:22:01 +0000", "2024-03-05T10:22:01Z"),
        ("Fri, 5 Mar 99 10:22:01 +0000", "1999-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 +0000 (UTC)", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 +0000 (Coordinated Universal Time)", "2024-03-05T10:22:01Z"),
        ("Tuesday, 5 March 2024 10:22:01 +0000", "2024-03-05T10:22:01Z"),
        ("Tue,  5 Mar 2024 10:22:01 -0000 trailing words", "2024-03-05T10:22:01Z"),
        ("Thu Nov 24 18:22:48 1986", "1986-11-24T18:22:48Z"),
        ("Tue Mar 5 11:22:01 CET 2024", "2024-03-05T10:22:01Z"),
        ("08 Mar 2011 17:04:20 GMT", "2011-03-08T17:04:20Z"),
        ("5-Mar-2024 10:22:01 +0000", "2024-03-05T10:22:01Z"),
        ("2024-03-05T10:22:01Z", "2024-03-05T10:22:01Z"),
        ("2024-03-05 11:22:01 +01:00", "2024-03-05T10:22:01Z"),
        ("2024-03-05T10:22:01.250+0000", "2024-03-05T10:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 GMT+0100", "2024-03-05T09:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01+0100", "2024-03-05T09:22:01Z"),
        ("Tue, 5 Mar 2024 10:22:01 PM +0000", "2024-03-05T22:22:01Z"),
        ("05.03.2024 10:22:01 +0000", "2024-03-05T10:22:01Z"),
        ("Sat, 29 Feb 2020 23:59:59 -0100", "2020-03-01T00:59:59Z"),
        ("Thu, 01 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z"),
        ("Wed, 31 Dec 1969 23:59:59 +0000", "1969-12-31T23:59:59Z"),
    ])
    func datesInManyFormsReadAsUTC(raw: String, iso: String) throws {
        let epoch = try #require(MailDate.parse(raw))
        #expect(MailDate.iso(epoch) == iso)
        #expect(MailDate.parseISO(iso) == epoch)
    }

    /// Years 1000-9999 hold for the instant in UTC, not only as written: a date its zone moves out of them is
    /// unreadable, so every date read is one `iso` writes and `parseISO` reads back (the fuzzer's `date` target
    /// found `01 Jan 1000 00:01+0200`, which was 0999-12-31T22:01:00Z and did not read back).
    @Test(arguments: [
        ("01 Jan 1000 00:01+0200", nil), ("Fri, 31 Dec 9999 23:59:00 -0100", nil), ("1000-01-01T00:59:59+01:00", nil),
        ("01 Jan 1000 00:01 -0200", "1000-01-01T02:01:00Z"), ("Fri, 31 Dec 9999 23:59:00 +0100", "9999-12-31T22:59:00Z"),
        ("1000-01-01T00:00:00Z", "1000-01-01T00:00:00Z"), ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ] as [(String, String?)])
    func datesOutsideYears1000To9999InUTCAreUnreadable(raw: String, iso: String?) {
        let epoch = MailDate.parse(raw)
        #expect(epoch.map(MailDate.iso) == iso)
        if let epoch, let iso { #expect(MailDate.parseISO(iso) == epoch) }
    }

    /// A manifest's stage times carry milliseconds (`startedAt`); normalize reads extract's start with them.
    @Test func isoTimesWithMillisecondsReadAsTheirSecond() {
        #expect(MailDate.parseISO("2026-12-04T20:22:42.758Z") == 1_796_415_762)
        #expect(MailDate.parseISO("2026-12-04T20:22:42Z") == 1_796_415_762)
    }

    @Test(arguments: [
        ("Thu, 20 Nov 2025 00:10:21 +0000", true), ("20 Nov 2025 00:10:21 -0130", true), ("  thu ,  5   mar 2024 23:59:60 +2359  ", true),
        ("Sat, 29 Feb 2021 10:00:00 +0000", true), ("Mon, 31 Apr 2024 10:00:00 +0000", true), ("Tue, 5 Mrz 2024 10:22:01 +0100", true),
        ("Tue, 5 Jui 2024 24:00:00 +0000", true), ("Tue, 5 Mar 0999 10:00:00 +0000", true), ("Tue, 5 Mar 2024 10:61:00 +0000", true),
        ("Tue, 5 Mar 2024 10:22:01 +0000 \t ", true), ("Tue,\t5 Mar 2024 10:22:01 -0000", true),
        ("Tue, 5 Mar 2024 10:22:01 +2400", false), ("Tue, 5 Mar 2024 10:22:01 +0060", false), ("Tue 5 Mar 2024 10:22:01 +0000", false),
        ("Tuesday, 5 Mar 2024 10:22:01 +0000", false), ("Tue, 5 March 2024 10:22:01 +0000", false), ("Tue, 5 Mar 24 10:22:01 +0000", false),
        ("Tue, 5 Mar 2024 10:22 +0000", false), ("Tue, 5 Mar 2024 10:22:01 GMT", false), ("Tue, 5 Mar 2024 10:22:01+0100", false),
        ("Tue, 5 Mar 2024 10:22:01 +0100 pm", false), ("Tue, 5 Mar 2024 10:22:01 +01:00", false), ("Tue, 005 Mar 2024 10:22:01 +0000", false),
        ("Foo, 5 Mar 2024 10:22:01 +0000", false), ("Tue, 5 Xyz 2024 10:22:01 +0000", false), ("Tue, 5 Mar 20245 10:22:01 +0000", false),
        ("Tue, 5 Mar 2024 1:22:01 +0000", false), ("Tue, 5 Mar 2024 10:22:01 +00000", false), ("", false), ("Tue,", false),
    ])
    func commonDateFormReadsAsTheTokenGrammarDoes(raw: String, common: Bool) {
        let b = Array(raw.lowercased().utf8)
        let parts = MailDate.commonParts(b)
        #expect((parts != nil) == common)
        if let p = parts {
            #expect(MailDate.epoch(p.year, p.month, p.day, p.time.0, p.time.1, p.time.2, offset: p.offset) == MailDate.rfcLike(b))
        }
        #expect(MailDate.parse(raw) == MailDate.rfcLike(b))
    }

    @Test func isoClampsEpochsOutsideFourDigitYears() {
        #expect(MailDate.iso(Int64.min) == "0001-01-01T00:00:00Z")
        #expect(MailDate.iso(Int64.max) == "9999-12-31T23:59:59Z")
        #expect(MailDate.iso(-1) == "1969-12-31T23:59:59Z")
    }

    /// `iso` writes fixed-width fields as bytes; `parseISO` (its own parser, years 1000...9999) reads every one back
    /// to the epoch: both ends and the seconds around them, days around leap years, and 20,000 seeded epochs.
    /// Years below 1000 (which `parseISO` refuses) are checked by value.
    @Test func isoReadsBackAsTheEpochEverywhere() {
        let low = MailDate.firstEpoch, high = MailDate.lastEpoch
        var epochs: [Int64] = [low, low + 1, high - 1, high, 0, 59, 60, 3599, 3600, 86399, 86400, 951_782_400,
                               951_868_799, 4_107_456_000, -2_203_891_200, 1_709_164_800]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            epochs.append(low + Int64((x >> 1) % UInt64(high - low + 1)))
        }
        for e in epochs {
            let s = MailDate.iso(e)
            #expect(s.utf8.count == 20 && s.utf8.enumerated().allSatisfy { k, c in
                [4, 7].contains(k) ? c == 0x2D : k == 10 ? c == 0x54 : [13, 16].contains(k) ? c == 0x3A
                    : k == 19 ? c == 0x5A : (0x30...0x39).contains(c)
            }, "\(e): \(s)")
            #expect(MailDate.parseISO(s) == e, "\(e): \(s)")
        }
        #expect(MailDate.iso(low - 1) == "0999-12-31T23:59:59Z")
        #expect(MailDate.iso(-46_374_377_104) == "0500-06-15T12:34:56Z")
        #expect(MailDate.iso(-62_135_596_800 + 86400 * 31 + 3661) == "0001-02-01T01:01:01Z")
    }

    @Test(arguments: ["", "yesterday", "Tue, 32 Mar 2024 10:22:01 +0000", "Tue, 30 Feb 2024 10:00 +0000",
                      "Tue, Mar 2024 10:22:01", "25:61:00 5 Mar 2024", "13/13/13", "(only a comment)",
                      "1.99999999999999999999999.2024", "5-99999999999999999999999-2024 10:00"])
    func unreadableDatesGiveNil(raw: String) {
        #expect(MailDate.parse(raw) == nil)
    }
}

@Suite struct NormalizeMessageIDs {
    @Test(arguments: [
        ("<Abc.123@Mail.Example.COM>", "Abc.123@mail.example.com"),
        ("  <abc@example.com>  ", "abc@example.com"),
        ("abc@EXAMPLE.com", "abc@example.com"),
        ("(comment) <a@b.example> (more)", "a@b.example"),
        ("<a@b@C.example>", "a@b@c.example"),
        ("<9209252113.AA00975@ ebony >", "9209252113.AA00975@ebony"),
    ])
    func messageIDsNormalizeOneWay(raw: String, expected: String) {
        #expect(MessageIDs.normalize(raw) == expected)
    }

    @Test(arguments: ["", "<>", "no-at-sign", "<has space@example.com>", "<@example.com>", "<abc@>", "garbage text"])
    func unusableMessageIDsGiveNil(raw: String) {
        #expect(MessageIDs.normalize(raw) == nil)
    }

    @Test(arguments: [
        ("<a@x.example> <b@X.example>\n\t<c@x.example>", ["a@x.example", "b@x.example", "c@x.example"]),
        ("<a@x.example><b@x.example>", ["a@x.example", "b@x.example"]),
        ("Your message of \"Tue, 5 Mar 2024\" <a@x.example>", ["a@x.example"]),
        ("<a@x.example> (Jane's message of Tue)", ["a@x.example"]),
        ("<a@x.example> <a@x.example>", ["a@x.example"]),
        ("<a@x.example", ["a@x.example"]),
        ("a@x.example b@x.example", ["a@x.example", "b@x.example"]),
        ("<a@x.example> <junk here> <b@x.example>", ["a@x.example", "b@x.example"]),
        ("no ids at all", []),
    ])
    func idListsExtractEveryID(raw: String, expected: [String]) {
        #expect(MessageIDs.parseList(raw) == expected)
    }

    static let trickyIDText: [String] = [
        "", " ", "<>", "<a@b>", "  <A.b@C.Example>  ", "<a@B.EXAMPLE> <b@x.example>\t<C@X.Example>",
        "(comment <x@y>) <a@x.example> (nested (deeper) comment) <b@x.example>",
        "\"quoted (not a comment)\" <a@x.example>", "<a(not@comment)@x.example>", "(unclosed <a@x.example>",
        "<9209252113.AA00975@ ebony >", "<a @ b.example>", "<a\t@\tb.example>", "<a  @  b.example>",
        "<abc@host", "<abc@host <def@host>", "<abc@host,<def@host>", "<junk> <a@b> <a@b>", "<a@b>>", "<<a@b>",
        "a@x.example, b@x.example,,c@x.example", "a@x.example\tb@X.EXAMPLE", "no ids here", "@", "a@", "@b",
        "<a@b@C.example>", "<has space@x.example>", "<ctl\u{01}@x.example>", "<del\u{7F}@x.example>",
        "Your message of \"Tue, 5 Mar 2024\" <a@x.example>", "<a@x> " + (1...40).map { "<id\($0 % 23)@x.example>" }.joined(separator: " "),
        "<caf\u{E9}@x.example>", "<a@b> <\u{301}x@y>", "<a@b\u{301}> <c@d>", "<a@XN--BCHER-KVA.example>",
        "<a@Bücher.EXAMPLE>", "(Kommentar \u{E4}) <a@x.example>", "\u{3C}\u{338}a@b> <c@d>", "a@b\u{85}c@d",
        "<a \t @ \t b.example>", "<a @ @ b.example>", "<x<y<a@b>", "<caf\u{E9}  @  x.example>", "<a @\u{301} b>",
        "<a\u{301} @ b>", " @ a",
    ]

    @Test(arguments: trickyIDText)
    func byteListParsingMatchesTheCharacterParsing(raw: String) {
        #expect(MessageIDs.parseList(raw) == MessageIDs.parseListGeneral(raw))
    }

    /// Hostile headers (a run of `<`, a long run of blanks beside an `@`) are read in one pass, not one per
    /// bracket or blank: both paths finish and agree.
    @Test(arguments: ["", "\u{E9}"])
    func hostileIdListsAreReadInLinearTime(accent: String) {
        let brackets = accent + String(repeating: "<", count: 300_000)
        #expect(MessageIDs.parseList(brackets) == [])
        #expect(MessageIDs.parseListGeneral(brackets) == [])
        let blanks = "<a" + accent + String(repeating: " ", count: 200_000) + "@b" + String(repeating: "\t", count: 1000) + ">"
        #expect(MessageIDs.parseList(blanks) == ["a" + accent + "@b"])
        #expect(MessageIDs.normalize(blanks) == "a" + accent + "@b")
        #expect(MessageIDs.normalizeGeneral(blanks) == "a" + accent + "@b")
    }

    @Test(arguments: trickyIDText)
    func byteIDNormalizationMatchesTheCharacterNormalization(raw: String) {
        #expect(MessageIDs.normalize(raw) == MessageIDs.normalizeGeneral(raw))
    }
}
