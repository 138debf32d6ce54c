import Foundation
import Testing
@testable import MailroomIO

/// The file sources on the real third-party mail in `../shared/corpora` (skipped when it is absent).
@Suite(.enabled(if: ExtractFixtures.haveCorpora, "../shared/corpora is absent"))
struct ExtractCorporaTests {
    /// Each MANIFEST.tsv counts mbox messages by `From ` lines at the file start or after a blank line. Where that
    /// naive count is wrong, the right one and why:
    static let countOverrides: [String: Int] = [
        // Content-Length-delimited (mboxcl2) Netscape mailbox: 29 `From - ` lines, ten of them right after the
        // previous body's last line (corpora README: 29 messages).
        "mimekit/mbox/content-length.mbox.txt": 29,
        // BOM at the start and unescaped `From Russia with love` body lines (corpora README: 2 messages).
        "mimekit/mbox/unmunged.mbox.txt": 2,
        // Three complete messages, each starting with a `From - ` line that follows the previous body's last line
        // with no blank line (MimeKit's TestSimpleMbox parses them one by one).
        "mimekit/mbox/simple.mbox.txt": 3,
        "gmime/mbox/substring.mbox": 3,
    ]

    /// (corpus-relative file, expected messages) for every file MANIFEST.tsv lists as kind `mbox`.
    static func mboxFiles() throws -> [(String, Int)] {
        guard let corpora = ExtractFixtures.corpora else { return [] }
        var counts: [String: Int] = [:]
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpora.path)
        for folder in folders {
            let manifest = corpora.appendingPathComponent(folder).appendingPathComponent("MANIFEST.tsv")
            guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
                if cols.count > 1, cols[1] == "mbox" { counts["\(folder)/\(cols[0])", default: 0] += 1 }
            }
        }
        return counts.map { ($0.key, countOverrides[$0.key] ?? $0.value) }.sorted { $0.0 < $1.0 }
    }

    @Test func everyCorpusMboxSplitsIntoItsManifestCount() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let files = try Self.mboxFiles()
        #expect(files.count >= 30)
        for (file, expected) in files {
            let url = corpora.appendingPathComponent(file)
            let (copies, summary) = try ExtractFixtures.scan(.mbox, url)
            #expect(copies.count == expected, "\(file)")
            #expect(summary.found == expected, "\(file)")
            #expect(Set(copies.map(\.copyId)).count == copies.count, "\(file): copy ids are unique")
        }
    }

    /// mu's test Maildirs name files with `!2,` (for file systems without `:`) and odd flags (`Sabc`, `PS`, `RS`,
    /// `FS`): none of them is a draft or trashed, so nothing is left out. Marked as mu marks them (`!2,DS` for a
    /// draft, `!2,ST` for a message trashed and not yet expunged), in a scratch copy, they are.
    @Test func muMaildirFlagsLeaveOutOnlyDraftsAndTrashed() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let mu = corpora.appendingPathComponent("mu/testdir")
        let (all, summary) = try ExtractFixtures.scan(.maildir, mu, include: [])
        #expect(all.count == 19)  // 15 in cur/, 4 in new/; tmp/ is not read
        #expect(summary.leftOut.isEmpty)
        #expect(summary.found == all.count)

        let scratch = try TempDir()
        let copy = scratch.url.appendingPathComponent("testdir")
        try FileManager.default.copyItem(at: mu, to: copy)
        let cur = copy.appendingPathComponent("cur")
        // The corpus is read-only; the scratch copy's cur/ must take renames.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: cur.path)
        try FileManager.default.moveItem(at: cur.appendingPathComponent("1220863087.12663_7.mindcrime!2,RS"),
                                         to: cur.appendingPathComponent("1220863087.12663_7.mindcrime!2,RST"))
        try FileManager.default.moveItem(at: cur.appendingPathComponent("1220863060.12663_3.mindcrime!2,S"),
                                         to: cur.appendingPathComponent("1220863060.12663_3.mindcrime!2,DS"))
        let (kept, marked) = try ExtractFixtures.scan(.maildir, copy, include: [])
        #expect(marked.leftOut == [.trash: 1, .drafts: 1])
        #expect(kept.count == all.count - 2)
        #expect(!kept.contains { $0.copyId.contains("12663_7.mindcrime") || $0.copyId.contains("12663_3.mindcrime") })
        #expect(try ExtractFixtures.scan(.maildir, copy, include: [.trash, .drafts]).copies.count == all.count)
    }

    /// mu's own Maildir caught mid-rename the ways real tools leave it: a message of new/ also in cur/ with its
    /// info (`!2,S`, mu's separator), and a message of cur/ under two flag sets (`!2,S` and `!2,RS`, a flag change
    /// seen half done). Each is read once, from the first name in byte order, and the other is listed as skipped;
    /// every copy id is `MaildirName.unique` of its file, once.
    @Test func muMaildirCaughtMidRenameIsReadOnce() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let mu = corpora.appendingPathComponent("mu/testdir")
        let (all, _) = try ExtractFixtures.scan(.maildir, mu, include: [])
        let scratch = try TempDir()
        let copy = scratch.url.appendingPathComponent("testdir")
        try FileManager.default.copyItem(at: mu, to: copy)
        let fm = FileManager.default
        for sub in ["cur", "new"] {
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy.appendingPathComponent(sub).path)
        }
        try fm.copyItem(at: copy.appendingPathComponent("new/1220863087.12663_23.mindcrime"),
                        to: copy.appendingPathComponent("cur/1220863087.12663_23.mindcrime!2,S"))
        try fm.copyItem(at: copy.appendingPathComponent("cur/1220863087.12663_19.mindcrime!2,S"),
                        to: copy.appendingPathComponent("cur/1220863087.12663_19.mindcrime!2,RS"))
        let (copies, summary) = try ExtractFixtures.scan(.maildir, copy, include: [])
        #expect(copies.map(\.copyId) == all.map(\.copyId))
        #expect(copies.map(\.locator.file).contains("new/1220863087.12663_23.mindcrime"))
        #expect(copies.map(\.locator.file).contains("cur/1220863087.12663_19.mindcrime!2,RS"))
        #expect(summary.skipped.map(\.code) == [.maildirRepeatedName, .maildirRepeatedName])
        #expect(Set(summary.skipped.compactMap(\.location.file))
                == ["cur/1220863087.12663_23.mindcrime!2,S", "cur/1220863087.12663_19.mindcrime!2,S"])
        for c in copies {
            #expect(c.copyId == "box/INBOX/" + MaildirName(String(c.locator.file.split(separator: "/").last!)).unique)
        }
    }

    @Test func corpusMboxesSplitTheSameWithATinyReadBuffer() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        for (file, _) in try Self.mboxFiles() {
            let url = corpora.appendingPathComponent(file)
            let big = try ExtractFixtures.scan(.mbox, url).copies
            let small = try ExtractFixtures.scan(.mbox, url, chunkSize: 7).copies
            #expect(big == small, "\(file)")
        }
    }

    /// The splitter keeps each header section as it reads the lines: on every corpus mbox, at a tiny and at the
    /// usual read size, the bytes it gives are the file's bytes there.
    @Test func corpusHeaderSectionsKeptWhileSplittingAreTheFilesBytes() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        for (file, _) in try Self.mboxFiles() {
            let bytes = try Array(Data(contentsOf: corpora.appendingPathComponent(file)))
            for chunkSize in [7, 1 << 20] {
                let split = try MboxSplitterTests.splitWithHeaders(bytes, chunkSize: chunkSize)
                #expect(!split.isEmpty, "\(file)")
                for (m, header) in split {
                    let expected = Array(bytes[m.start..<(m.start + min(m.headerLength, HeaderSection.cap))])
                    #expect(header == expected, "\(file): message at \(m.start), chunk size \(chunkSize)")
                }
            }
        }
    }

    @Test func theContentLengthMailboxKeepsEachMessageWhole() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let url = corpora.appendingPathComponent("mimekit/mbox/content-length.mbox.txt")
        let copies = try ExtractFixtures.scan(.mbox, url).copies
        try #require(copies.count == 29)
        // The 747 KB message 4 holds its Content-Length of body bytes after its header section.
        let big = try #require(copies.first { $0.locator.length > 700_000 })
        let bytes = try ExtractFixtures.bytes(url, big.locator)
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        #expect(text.contains("Content-Length: 747282"))
        // Every message starts with a header line, never with a body line.
        for c in copies {
            let head = try ExtractFixtures.bytes(url, Locator(file: c.locator.file, offset: c.locator.offset,
                                                              length: min(c.locator.length, 40)))
            #expect(head.first.map { $0 != 0x20 && $0 != 0x0A && $0 != UInt8(ascii: "-") } == true, "\(c.copyId)")
        }
    }

    @Test func theUnmungedMailboxKeepsFromRussiaWithLoveInTheBody() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let url = corpora.appendingPathComponent("mimekit/mbox/unmunged.mbox.txt")
        let copies = try ExtractFixtures.scan(.mbox, url).copies
        try #require(copies.count == 2)
        // mbox copy ids name the message (16 hex digits of its identity), not the offset of its `From -` line;
        // the two messages differ, and a second scan names them the same.
        for c in copies {
            let key = try #require(c.copyId.split(separator: "/").last)
            #expect(c.copyId.hasPrefix("box/unmunged.mbox.txt/") && key.count == 16 && key.allSatisfy(\.isHexDigit),
                    "\(c.copyId)")
        }
        #expect(Set(copies.map(\.copyId)).count == 2)
        #expect(try ExtractFixtures.scan(.mbox, url).copies.map(\.copyId) == copies.map(\.copyId))
        #expect(copies[0].locator.offset < copies[1].locator.offset)
        #expect(copies.allSatisfy { $0.folder == "unmunged.mbox.txt" && $0.locator.file == "unmunged.mbox.txt" })
        for c in copies {
            let text = String(decoding: try ExtractFixtures.bytes(url, c.locator), as: UTF8.self)
            #expect(text.hasPrefix("From: Jeffrey Stedfast"))
            #expect(text.contains("\nFrom Russia with love\n"))
        }
    }

    @Test func muMaildirsUseTheBangSeparatorAndIgnoreTmp() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let (copies, summary) = try ExtractFixtures.scan(.maildir, corpora.appendingPathComponent("mu/testdir"))
        // MANIFEST.tsv lists 20 files: 15 in cur/, 4 in new/ and tmp/1220863087.12663.ignore, which is not read.
        let manifest = try String(contentsOf: corpora.appendingPathComponent("mu/MANIFEST.tsv"), encoding: .utf8)
        let listed = manifest.split(separator: "\n").filter { $0.hasPrefix("testdir/") }
        #expect(listed.count == 20)
        let expected = listed.filter { !$0.hasPrefix("testdir/tmp/") }.count
        #expect(expected == 19)
        #expect(copies.count == expected)
        #expect(summary.found == expected)
        #expect(copies.allSatisfy { $0.folder == "INBOX" && !$0.locator.file.hasPrefix("tmp/") })
        let byId = Dictionary(uniqueKeysWithValues: copies.map { ($0.copyId, $0) })
        #expect(byId["box/INBOX/1220863087.12663_15.mindcrime"]?.flags == ["seen", "passed"])
        #expect(byId["box/INBOX/1220863087.12663_7.mindcrime"]?.flags == ["seen", "replied"])
        #expect(byId["box/INBOX/multimime"]?.flags == ["seen", "flagged"])
        #expect(byId["box/INBOX/special"]?.flags == ["seen"])
        #expect(byId["box/INBOX/1305664394.2171_402.cthulhu"]?.flags == [])
        #expect(byId["box/INBOX/1220863087.12663_21.mindcrime"]?.locator.file == "new/1220863087.12663_21.mindcrime")
    }

    @Test func muFolderTreeGivesOneFolderPerMaildir() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let copies = try ExtractFixtures.scan(.maildir, corpora.appendingPathComponent("mu/testdir2")).copies
        let perFolder = Dictionary(grouping: copies, by: \.folder).mapValues(\.count)
        // MANIFEST.tsv: 14 messages; `.noindex`/`.noupdate` marker files are not messages.
        #expect(perFolder == ["Foo": 3, "bar": 8, "wom_bat": 3])
        #expect(copies.map(\.folder) == copies.map(\.folder).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let cjk = try ExtractFixtures.scan(.maildir, corpora.appendingPathComponent("mu/cjk")).copies
        #expect(cjk.map(\.copyId) == ["box/INBOX/test1", "box/INBOX/test2", "box/INBOX/test3", "box/INBOX/test4"])
    }

    @Test func aFlatFolderOfMessageFilesIsNotAMaildir() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let error = try #require(throws: MailroomError.self) {
            try ExtractFixtures.scan(.maildir, corpora.appendingPathComponent("mu/testdir4"))
        }
        #expect(error.status == .input)
    }

    @Test(arguments: ["gmime", "mimekit", "mu", "nodemailer-mailparser"])
    func everyCorpusEmlFileIsOneCopy(_ folder: String) throws {
        let corpora = try #require(ExtractFixtures.corpora)
        let root = corpora.appendingPathComponent(folder)
        let manifest = try String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        let listed = manifest.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let file = String(line.split(separator: "\t", omittingEmptySubsequences: false)[0])
            return file.lowercased().hasSuffix(".eml") ? file : nil
        }
        let (copies, summary) = try ExtractFixtures.scan(.eml, root, name: "c")
        #expect(copies.map(\.locator.file).sorted() == listed.sorted())
        #expect(summary.found == listed.count)
        #expect(summary.skippedFiles == 0)
    }
}
