import Foundation
import Testing
@testable import MailroomIO

struct ExtractorTests {
    static let start: Int64 = 1_795_000_000
    static let end: Int64 = 1_795_086_400

    static func entry(_ from: String, _ date: String?, _ subject: String) -> String {
        "From \(from)\n" + (date.map { "Date: \($0)\n" } ?? "") + "Subject: \(subject)\n\nbody of \(subject)\n\n"
    }

    @Test func theWindowKeepsStartAndDropsEnd() throws {
        let d = try TempDir()
        let iso = ExtractFixtures.iso
        let text = Self.entry("a@example.com Sat Jan  3 01:05:34 1996", iso(Self.start), "at start")
            + Self.entry("a@example.com Sat Jan  3 01:05:34 1996", iso(Self.end - 1), "last second")
            + Self.entry("a@example.com Sat Jan  3 01:05:34 1996", iso(Self.end), "at end")
            + Self.entry("a@example.com Sat Jan  3 01:05:34 1996", iso(Self.start - 1), "before start")
            + Self.entry("-", nil, "undated")
        let url = try d.write("box.mbox", text)
        let window = DateWindow(start: Self.start, end: Self.end)
        let (copies, summary) = try ExtractFixtures.scan(.mbox, url, window: window)
        #expect(copies.map(\.date) == [iso(Self.start), iso(Self.end - 1), nil])
        #expect(summary == ExtractSummary(found: 5, inWindow: 2, outsideWindow: 2, undated: 1))
        let subjects = try copies.map { String(decoding: try ExtractFixtures.bytes(url, $0.locator), as: UTF8.self) }
        #expect(subjects.map { $0.contains("Subject: undated") } == [false, false, true])
    }

    @Test func theDateHeaderWinsOverTheFromLineWhichWinsOverNothing() throws {
        let d = try TempDir()
        let text = Self.entry("a@example.com Sat Jan  3 01:05:34 1996", "2026-11-20T10:00:00Z", "header")
            + Self.entry("a@example.com Sat Jan  3 01:05:34 1996", nil, "from line")
            + Self.entry("-", "not a date", "none")
        let url = try d.write("x.mbox", text)
        let (copies, summary) = try ExtractFixtures.scan(.mbox, url)
        #expect(copies.map(\.date) == ["2026-11-20T10:00:00Z", "1996-01-03T01:05:34Z", nil])
        #expect(summary == ExtractSummary(found: 3, inWindow: 2, undated: 1))
    }

    @Test func dateOfGetsTheHeaderSectionOnly() throws {
        let d = try TempDir()
        let url = try d.write("x.mbox", Self.entry("a@example.com Sat Jan  3 01:05:34 1996", nil, "s"))
        var seen: [String] = []
        let mailbox = MailboxConfig(name: "m", source: .mbox, path: url.path, owner: [])
        _ = try Extractor.scan(mailbox: mailbox, root: url, window: nil,
                               dateOf: { seen.append(String(decoding: $0, as: UTF8.self)); return nil },
                               isoFromEpoch: ExtractFixtures.iso, emit: { _ in })
        #expect(seen == ["Subject: s\n\n"])
    }

    @Test func dateOfGetsAtMostTheHeaderCapOfAHugeHeader() throws {
        let d = try TempDir()
        let folded = String(repeating: " =?utf-8?q?x?=\n", count: 40_000)  // 640 KB To: header
        try d.write("cur/1700000000.big:2,S", "To:\(folded)Subject: big\n\nbody\n")
        var sizes: [Int] = []
        let mailbox = MailboxConfig(name: "m", source: .maildir, path: d.url.path, owner: [])
        let summary = try Extractor.scan(mailbox: mailbox, root: d.url, window: nil,
                                         dateOf: { sizes.append($0.count); return nil },
                                         isoFromEpoch: ExtractFixtures.iso, emit: { _ in })
        #expect(sizes == [HeaderSection.cap])
        #expect(summary == ExtractSummary(found: 1, inWindow: 1))
    }

    @Test func aFolderOfMboxFilesNamesFoldersByRelativePath() throws {
        let d = try TempDir()
        let one = Self.entry("a@example.com Sat Jan  3 01:05:34 1996", nil, "m")
        try d.write("Inbox", one + one)
        try d.write("Inbox.msf", "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
        try d.write("Sent.mbox", one)
        try d.write("Archive.sbd/2024.mbox", one)
        try d.write("Apple.mbox/mbox", one)
        try d.write("Apple.mbox/Info.plist", "<plist/>")
        try d.write("Broken.mbox", "this is not an mbox\n")
        try d.write("Empty.mbx", "")
        try d.write(".hidden.mbox", one)
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url)
        // Copy ids name the message (`MboxCopyIdentity`), numbering exact repeats within a file; offsets are in
        // the locators.
        let id = try #require(copies.first.map { String($0.copyId.dropFirst("box/Apple/".count)) })
        #expect(copies.map(\.copyId) == ["box/Apple/\(id)", "box/Archive/2024/\(id)", "box/Inbox/\(id)",
                                         "box/Inbox/\(id).2", "box/Sent/\(id)"])
        #expect(copies.map(\.locator.offset) == [0, 0, 0, one.utf8.count, 0].map { $0 + one.utf8.prefix { $0 != 0x0A }.count + 1 })
        #expect(copies.map(\.locator.file) == ["Apple.mbox/mbox", "Archive.sbd/2024.mbox", "Inbox", "Inbox", "Sent.mbox"])
        #expect(summary.skippedFiles == 1)
        #expect(summary.skipped == [RecordIssue(.notMbox, at: .init(mailbox: "box", file: "Broken.mbox"),
                                                "named like an mbox file but does not start with a From_ line")])
        #expect(summary.found == 5)
    }

    @Test func twoFilesWithTheSameFolderNameKeepDistinctCopyIds() throws {
        let d = try TempDir()
        let one = Self.entry("a@example.com Sat Jan  3 01:05:34 1996", nil, "m")
        try d.write("Sent", one)
        try d.write("Sent.mbox", one)
        let copies = try ExtractFixtures.scan(.mbox, d.url).copies
        let id = try #require(copies.first.map { String($0.copyId.dropFirst("box/Sent/".count)) })
        #expect(copies.map(\.copyId) == ["box/Sent/\(id)", "box/Sent.mbox/\(id)"])
        #expect(copies.map(\.folder) == ["Sent", "Sent.mbox"])
    }

    @Test func messageBytesComeBackUnquotedWithoutTheFromLine() throws {
        let d = try TempDir()
        let text = "From a@example.com Sat Jan  3 01:05:34 1996\nSubject: q\n\n>From here\n>>From there\n\n"
            + "From b@example.com Sat Jan  3 01:05:34 1996\nSubject: r\n\n>From kept quoted? no: unquoted\n"
        try d.write("folder/q.mbox", text)
        let (copies, _) = try ExtractFixtures.scan(.mbox, d.url)
        try #require(copies.count == 2)
        #expect(copies.map(\.locator.unquote) == [true, true])
        let reader = MessageBytesReader(root: d.url)
        let a = try reader.withBytes(copies[0].locator) { String(decoding: $0, as: UTF8.self) }
        let b = try reader.withBytes(copies[1].locator) { String(decoding: $0, as: UTF8.self) }
        #expect(a == "Subject: q\n\nFrom here\n>From there\n")
        #expect(b == "Subject: r\n\nFrom kept quoted? no: unquoted\n")
    }

    @Test func aTruncatedFileIsAnInputErrorWhenReadBack() throws {
        let d = try TempDir()
        let url = try d.write("t.mbox", Self.entry("a@example.com Sat Jan  3 01:05:34 1996", nil, "t"))
        let copies = try ExtractFixtures.scan(.mbox, url).copies
        try d.write("t.mbox", "From a\n")
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.bytes(url, copies[0].locator) }
        #expect(error.status == .input)
    }

    @Test(arguments: [SourceKind.mbox, .maildir, .eml])
    func aMissingPathIsAnInputError(_ kind: SourceKind) throws {
        let d = try TempDir()
        let missing = d.url.appendingPathComponent("nope")
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.scan(kind, missing) }
        #expect(error.status == .input)
        #expect(error.message == "mailbox path does not exist")
        #expect(error.location == missing.path)
    }

    @Test func anMboxSourceGivenAMaildirSaysWhichSourceToSet() throws {
        let d = try TempDir()
        try d.write("cur/1.host:2,S", "Subject: x\n\n")
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.scan(.mbox, d.url) }
        #expect(error.status == .input)
        #expect(error.message.contains("set `source: maildir`"))
    }

    @Test func aFileThatIsNotAnMboxIsAnInputError() throws {
        let d = try TempDir()
        let url = try d.write("a.eml", "Subject: x\n\nbody\n")
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.scan(.mbox, url) }
        #expect(error.status == .input)
        #expect(error.message.contains("does not start with a From_ line"))
    }

    @Test func locatorsWriteUnquoteOnlyWhenSet() throws {
        let plain = Locator(file: "a", offset: 1, length: 2)
        let quoted = Locator(file: "a", offset: 1, length: 2, unquote: true)
        #expect(plain.jsonString() == #"{"file":"a","offset":1,"length":2}"#)
        #expect(quoted.jsonString() == #"{"file":"a","offset":1,"length":2,"unquote":true}"#)
        #expect(try Locator(jsonBytes: Array(plain.jsonString().utf8)) == plain)
        #expect(try Locator(jsonBytes: Array(quoted.jsonString().utf8)) == quoted)
    }
}
