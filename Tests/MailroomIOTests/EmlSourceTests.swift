import Foundation
import Testing
@testable import MailroomIO

struct EmlSourceTests {
    static func makeFolder() throws -> TempDir {
        let d = try TempDir()
        try d.write("a.eml", "Subject: a\nDate: 2026-11-20T08:00:00Z\n\nbody\n")
        try d.write("clients/acme/b.EML", "Subject: b\n\nbody\n")
        try d.write("clients/c.eml", "From someone@example.com Fri Nov 20 09:30:00 2026\nSubject: c\n\nbody\n")
        try d.write(".hidden.eml", "Subject: hidden\n\n")
        try d.write(".git/x.eml", "Subject: in a dot folder\n\n")
        try d.write("notes.txt", "not mail")
        try d.write("clients/d.msg", "not an .eml")
        try d.symlink("link.eml", to: d.url.appendingPathComponent("a.eml").path)
        return d
    }

    @Test func everyEmlFileBelowTheFolderIsOneCopy() throws {
        let d = try Self.makeFolder()
        let (copies, summary) = try ExtractFixtures.scan(.eml, d.url)
        #expect(copies.map(\.copyId) == ["box/a.eml", "box/clients/acme/b.EML", "box/clients/c.eml"])
        #expect(copies.map(\.folder) == ["INBOX", "clients/acme", "clients"])
        #expect(copies.map(\.locator.file) == ["a.eml", "clients/acme/b.EML", "clients/c.eml"])
        #expect(copies.allSatisfy { $0.source == .eml && $0.flags.isEmpty && $0.locator.offset == 0 })
        #expect(summary == ExtractSummary(found: 3, inWindow: 2, undated: 1))
    }

    @Test func anEnvelopeLineStaysInTheBytesAndDatesACopyWithoutDateHeader() throws {
        let d = try Self.makeFolder()
        let copies = try ExtractFixtures.scan(.eml, d.url).copies
        let c = try #require(copies.first { $0.copyId == "box/clients/c.eml" })
        #expect(c.date == "2026-11-20T09:30:00Z")
        let bytes = try ExtractFixtures.bytes(d.url, c.locator)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("From someone@example.com Fri Nov 20"))
        #expect(copies.first?.date == "2026-11-20T08:00:00Z")
        #expect(copies.first { $0.copyId == "box/clients/acme/b.EML" }?.date == nil)
    }

    @Test func aSingleEmlFileIsAMailboxOfOneCopy() throws {
        let d = try Self.makeFolder()
        let file = d.url.appendingPathComponent("clients/c.eml")
        let copies = try ExtractFixtures.scan(.eml, file).copies
        #expect(copies.map(\.copyId) == ["box/c.eml"])
        let bytes = try ExtractFixtures.bytes(file, copies[0].locator)
        #expect(bytes.count == copies[0].locator.length)
    }

    @Test func aFolderWithoutEmlFilesIsAnInputError() throws {
        let d = try TempDir()
        try d.write("cur/1.host:2,S", "Subject: x\n\n")
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.scan(.eml, d.url) }
        #expect(error.status == .input)
        #expect(error.message.contains("source: maildir"))
    }

    /// A Latin-1 file name (`café.eml` saved by an old Windows tool) cannot be named in the run's UTF-8 files: the
    /// file is left out and listed with its name's bytes escaped, next to the copies that were read.
    @Test func aFileWhoseNameIsNotUTF8IsListedAsSkipped() throws {
        let d = try Self.makeFolder()
        try d.mkdir("old")
        let path = Array((d.url.path + "/old/caf").utf8) + [0xE9] + Array(".eml".utf8) + [0]
        let fd = path.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(fd >= 0)
        _ = "Subject: latin\n\nbody\n".utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
        let (copies, summary) = try ExtractFixtures.scan(.eml, d.url)
        #expect(copies.map(\.copyId) == ["box/a.eml", "box/clients/acme/b.EML", "box/clients/c.eml"])
        #expect(summary.skippedFiles == 1)
        #expect(summary.skipped == [RecordIssue(.fileNameNotUTF8, at: .init(mailbox: "box", file: "old/caf%E9.eml"),
                                                "the name is not UTF-8 (shown with %XX escapes)")])
    }
}
