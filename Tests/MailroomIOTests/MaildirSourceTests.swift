import Foundation
import Testing
@testable import MailroomIO

struct MaildirSourceTests {
    static func message(_ subject: String, date: String? = nil) -> String {
        var s = "From: a@example.com\nSubject: \(subject)\n"
        if let date { s += "Date: \(date)\n" }
        return s + "\nbody\n"
    }

    /// A tree with the root's own Maildir, mbsync/OfflineIMAP subfolders, Maildir++ folders, tmp/, marker files,
    /// dot-files and symbolic links.
    static func makeTree() throws -> TempDir {
        let d = try TempDir()
        try d.write("cur/1700000000.M1P1.host:2,SRF", message("one", date: "2023-11-14T22:13:20Z"))
        try d.write("cur/1700000100.M2P1.host:2,", message("two"))
        try d.write("cur/.hidden", message("hidden"))
        try d.write("new/1700000200.M3P1.host", message("three"))
        try d.write("tmp/1700000300.M4P1.host", message("being delivered"))
        try d.write("dovecot-uidlist", "3 V1 N4\n")
        try d.write(".uidvalidity", "1\n")
        try d.write("Sent/cur/1700000400.M5.host:2,S", message("sent"))
        try d.mkdir("Sent/new")
        try d.mkdir("Sent/tmp")
        try d.write("Archive/2024/cur/1700000500.M6.host!2,FT", message("archived"))
        try d.write(".Lists.swift/cur/1700000600.M7.host:2,P", message("list"))
        try d.write(".Lists.swift/maildirfolder", "")
        try d.write(".Drafts/cur/1700000700.M8.host:2,D", message("draft"))
        try d.mkdir(".Drafts/new")
        try d.write(".notmuch/xapian/record.glass", "not mail")
        try d.symlink("cur/1700000800.link:2,S", to: d.url.appendingPathComponent("Sent/cur/1700000400.M5.host:2,S").path)
        try d.symlink("Linked", to: d.url.appendingPathComponent("Sent").path)
        return d
    }

    @Test func aTreeOfMaildirFoldersIsReadInFolderThenFileOrder() throws {
        let d = try Self.makeTree()
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.map(\.copyId) == [
            "box/Archive/2024/1700000500.M6.host",
            "box/Drafts/1700000700.M8.host",
            "box/INBOX/1700000000.M1P1.host",
            "box/INBOX/1700000100.M2P1.host",
            "box/INBOX/1700000200.M3P1.host",
            "box/Lists/swift/1700000600.M7.host",
            "box/Sent/1700000400.M5.host",
        ])
        #expect(copies.map(\.folder) == ["Archive/2024", "Drafts", "INBOX", "INBOX", "INBOX", "Lists/swift", "Sent"])
        #expect(copies.map(\.flags) == [
            ["flagged", "trashed"], ["draft"], ["seen", "replied", "flagged"], [], [], ["passed"], ["seen"],
        ])
        #expect(copies.map(\.locator.file) == [
            "Archive/2024/cur/1700000500.M6.host!2,FT", ".Drafts/cur/1700000700.M8.host:2,D",
            "cur/1700000000.M1P1.host:2,SRF", "cur/1700000100.M2P1.host:2,", "new/1700000200.M3P1.host",
            ".Lists.swift/cur/1700000600.M7.host:2,P", "Sent/cur/1700000400.M5.host:2,S",
        ])
        #expect(copies.allSatisfy { $0.source == .maildir && $0.mailbox == "box" && $0.locator.offset == 0 })
        #expect(summary == ExtractSummary(found: 7, inWindow: 7))
    }

    @Test func aCopyIsDatedByItsHeaderElseByItsUniqueName() throws {
        let d = try Self.makeTree()
        let copies = try ExtractFixtures.scan(.maildir, d.url).copies
        let byId = Dictionary(uniqueKeysWithValues: copies.map { ($0.copyId, $0) })
        #expect(byId["box/INBOX/1700000000.M1P1.host"]?.date == "2023-11-14T22:13:20Z")
        #expect(byId["box/INBOX/1700000100.M2P1.host"]?.date == ExtractFixtures.iso(1_700_000_100))
    }

    @Test func locatorsGiveTheWholeFileBack() throws {
        let d = try Self.makeTree()
        let copies = try ExtractFixtures.scan(.maildir, d.url).copies
        let sent = try #require(copies.first { $0.folder == "Sent" })
        #expect(sent.locator.length == Self.message("sent").utf8.count)
        #expect(try ExtractFixtures.bytes(d.url, sent.locator) == Array(Self.message("sent").utf8))
    }

    @Test func aFolderWithoutCurOrNewIsNotAMaildir() throws {
        let d = try TempDir()
        try d.write("a.eml", Self.message("a"))
        let error = try #require(throws: MailroomError.self) { try ExtractFixtures.scan(.maildir, d.url) }
        #expect(error.status == .input)
        #expect(error.message.contains("not a Maildir"))
        #expect(error.message.contains("source: eml"))
        #expect(error.location == d.url.path)
    }

    @Test func aMessageCaughtMidRenameIsReadOnce() throws {
        let d = try TempDir()
        try d.write("cur/1700000000.a:2,S", Self.message("a"))
        try d.write("new/1700000000.a", Self.message("a"))
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.map(\.copyId) == ["box/INBOX/1700000000.a"])
        #expect(copies.map(\.locator.file) == ["new/1700000000.a"])
        #expect(summary.skippedFiles == 1)
        // The one left out is listed, by its path in the mailbox.
        #expect(summary.skipped.map(\.code) == [.maildirRepeatedName])
        #expect(summary.skipped.map(\.location) == [RecordIssue.Location(mailbox: "box", file: "cur/1700000000.a:2,S")])
    }

    /// Files are opened `MessageFile.readAheadFiles` ahead of the one read, and read through the descriptor
    /// opened then: past the first window, each copy must still get its own file's header and length, with a
    /// mid-rename pair and files in both cur/ and new/ among them.
    @Test func moreFilesThanAreOpenedAheadAreEachDatedFromTheirOwnFile() throws {
        let d = try TempDir()
        let count = MessageFile.readAheadFiles * 2 + 17
        var expected: [String: (date: String, length: Int)] = [:]
        for i in 0..<count {
            let epoch = 1_700_000_000 + i * 3_600
            let date = ExtractFixtures.iso(Int64(epoch + 60))  // not the name's time: the header must be read
            let body = Self.message("m\(i)" + String(repeating: "x", count: i), date: date)
            let unique = "\(epoch).M\(i).host"
            try d.write(i % 3 == 0 ? "new/\(unique)" : "cur/\(unique):2,S", body)
            expected["box/INBOX/\(unique)"] = (date, body.utf8.count)
        }
        // File 99 (in new/) again in cur/ with flags, far past the first window: caught mid-rename, left out.
        let repeated = "\(1_700_000_000 + 99 * 3_600).M99.host"
        try d.write("cur/\(repeated):2,S", Self.message("again", date: "2001-01-01T00:00:00Z"))
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.count == count)
        #expect(summary.skipped.map(\.code) == [.maildirRepeatedName])
        for copy in copies {
            let want = try #require(expected[copy.copyId])
            #expect(copy.date == want.date, "\(copy.copyId)")
            #expect(copy.locator.length == want.length, "\(copy.copyId)")
        }
    }

    @Test func anEmptyMaildirHasNoCopies() throws {
        let d = try TempDir()
        try d.mkdir("cur")
        try d.mkdir("new")
        try d.mkdir("tmp")
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.isEmpty)
        #expect(summary == ExtractSummary())
    }

    /// A file that cannot be opened (gone since the listing) is taken as its `FileError`, for the skip.
    @Test func aFileThatCannotBeOpenedIsReportedForSkipping() throws {
        let ahead = OpenAhead(count: 1, ahead: 1) { _ in (AT_FDCWD, "/nonexistent/mailroom/x") }
        do {
            _ = try ahead.take(0, path: "/nonexistent/mailroom/x")
            Issue.record("a missing file was taken")
        } catch let e as FileError {
            #expect(e.errno == ENOENT && e.path == "/nonexistent/mailroom/x")
        }
    }

    /// A Maildir file deleted after the listing, before it is opened, is skipped as unreadable and named; the
    /// files around it are read (the scan runs at most `MessageFile.readAheadFiles` files ahead: the last is not
    /// open yet when the first one's copy is handed on).
    @Test func aFileGoneSinceTheListingIsSkippedAndTheRestRead() throws {
        let d = try TempDir()
        let count = MessageFile.readAheadFiles + 40, last = count - 10
        for k in 0..<count { try d.write("cur/\(1_700_000_000 + k).M\(k):2,S", Self.message("m\(k)")) }
        let gone = d.url.appendingPathComponent("cur/\(1_700_000_000 + last).M\(last):2,S").path
        var skipped = SkippedFiles(mailbox: "box", root: d.url.path)
        var ids: [String] = []
        try MaildirSource.scan(rootPath: d.url.path, mailbox: "box", skipped: &skipped) { copy, _ in
            if ids.isEmpty { try FileManager.default.removeItem(atPath: gone) }
            ids.append(copy.copyId)
        }
        #expect(ids.count == count - 1 && !ids.contains("box/INBOX/\(1_700_000_000 + last).M\(last)"))
        #expect(skipped.issues.count == 1)
        #expect(skipped.issues.first.map { "\($0)" }?.contains("No such file") == true, "\(skipped.issues)")
    }

    /// With `keepingWhole`, a file the header section's first read takes whole is handed on whole, with the same
    /// header section as without it; a file over that read, one with an envelope line, or one shorter than listed
    /// is not (normalize reads it), and its header section is still the one read without `keepingWhole`.
    @Test func smallFilesAreKeptWholeWithTheSameHeaderSection() throws {
        let d = try TempDir()
        let small = "Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nSubject: hi\r\n\r\nBody\r\n"
        let large = "Subject: big\n\n" + String(repeating: "x", count: HeaderSection.firstRead)
        let enveloped = "From ann@example.com Mon Nov 16 10:00:00 2026\nSubject: env\n\nBody\n"
        let noBreak = "Subject: only headers"
        for (name, text, listed) in [("small", small, small.utf8.count), ("large", large, large.utf8.count),
                                     ("env", enveloped, enveloped.utf8.count), ("short", small, small.utf8.count + 5),
                                     ("nobreak", noBreak, noBreak.utf8.count), ("empty", "", 0)] {
            let path = d.url.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let copy = FoundCopy(copyId: name, folder: "INBOX", locator: Locator(file: name, offset: 0, length: listed))
            var plain: (header: [UInt8], copy: FoundCopy)?
            var buffer: [UInt8] = []
            #expect(try MessageFile.readHeader(try ReadOnlyFile(path: path, noFollow: true), size: listed,
                                               into: &buffer, copy: copy) { c, h in
                plain = (Array(h), c)
            } == nil)
            var kept: (header: [UInt8], copy: FoundCopy)?
            #expect(try MessageFile.readHeader(try ReadOnlyFile(path: path, noFollow: true), size: listed,
                                               into: &buffer, copy: copy, keepingWhole: true) { c, h in
                kept = (Array(h), c)
            } == nil)
            #expect(plain?.header == kept?.header, "\(name)")
            #expect(plain?.copy.fallbackEpoch == kept?.copy.fallbackEpoch, "\(name)")
            #expect(plain?.copy.whole == nil)
            let handedOn = ["small", "nobreak", "empty"].contains(name)
            #expect(kept?.copy.whole == (handedOn ? Array(text.utf8) : nil), "\(name)")
        }
    }

    /// A FIFO put in place of a listed message file (between the listing and the open, or as an .eml named on
    /// the command line) fails to be read instead of blocking the open for a writer that never comes.
    @Test func aFIFOWhereAMessageFileWasIsReportedNotWaitedOn() throws {
        let d = try TempDir()
        try d.mkdir("cur")
        let fifo = d.url.appendingPathComponent("cur/1700000000.a:2,S").path
        #expect(mkfifo(fifo, 0o600) == 0)
        var buffer: [UInt8] = []
        var called = false
        let copy = FoundCopy(copyId: "x", folder: "INBOX", locator: Locator(file: "x", offset: 0, length: 10))
        // Read as the size listed: the read fails (ESPIPE), whole or not, and nothing is handed on.
        for keepingWhole in [false, true] {
            let failure = try MessageFile.readHeader(try ReadOnlyFile(path: fifo, noFollow: true), size: 10, into: &buffer,
                                                     copy: copy, keepingWhole: keepingWhole) { _, _ in called = true }
            #expect(failure?.errno == ESPIPE)
        }
        #expect(!called)
        // Opened ahead, by its full path as the .eml source does or in its folder as the Maildir source does: not
        // taken as a file (its size would be 0, read as an empty message), but as "not a regular file".
        let cur = open(d.url.appendingPathComponent("cur").path, O_RDONLY | O_DIRECTORY)
        #expect(cur >= 0)
        defer { close(cur) }
        for target in [(AT_FDCWD, fifo), (cur, "1700000000.a:2,S")] {
            let ahead = OpenAhead(count: 1, ahead: 2) { _ in target }
            do {
                _ = try ahead.take(0, path: fifo)
                Issue.record("a FIFO was taken as a message file")
            } catch let e as FileError {
                #expect(e.reason == "not a regular file")
            }
        }
    }

    /// The kinds the listing takes from the directory entries (`d_type`, no `lstat` per name) are the kinds
    /// `lstat` gives, for every kind of entry a Maildir folder may hold, in the same byte order of names.
    @Test func kindsFromTheDirectoryEntriesAreTheKindsLstatGives() throws {
        let d = try TempDir()
        try d.write("cur/1700000000.a:2,S", Self.message("a"))
        try d.write("cur/caf\u{E9}:2,S", Self.message("composed"))
        try d.write("cur/cafe\u{301}:2,S", Self.message("decomposed"))
        try d.write("cur/Zed", Self.message("z"))
        try d.mkdir("cur/sub")
        try d.symlink("cur/link-to-file", to: d.url.appendingPathComponent("cur/Zed").path)
        try d.symlink("cur/link-to-dir", to: d.url.appendingPathComponent("cur/sub").path)
        try d.symlink("cur/dangling", to: d.url.appendingPathComponent("cur/nothing").path)
        #expect(mkfifo(d.url.appendingPathComponent("cur/fifo").path, 0o600) == 0)
        let cur = d.url.appendingPathComponent("cur").path
        var skipped = SkippedFiles(mailbox: "box", root: cur), skippedToo = SkippedFiles(mailbox: "box", root: cur)
        let kinds = try FileTree.kinds(cur, invalidNames: &skipped)
        let statted = try FileTree.entries(cur, invalidNames: &skippedToo)
        #expect(kinds.map(\.name) == statted.map(\.name))
        #expect(kinds.map(\.kind) == statted.map(\.kind))
        // In byte order (the decomposed é, `e` + U+0301, before the composed one, U+00E9), compared as bytes:
        // the two spellings are `==` as strings.
        let expected: [(String, FileTree.Kind)] = [
            ("1700000000.a:2,S", .regular), ("Zed", .regular), ("cafe\u{301}:2,S", .regular), ("caf\u{E9}:2,S", .regular),
            ("dangling", .symlink), ("fifo", .other), ("link-to-dir", .symlink), ("link-to-file", .symlink),
            ("sub", .directory),
        ]
        #expect(kinds.map { Array($0.name.utf8) } == expected.map { Array($0.0.utf8) })
        #expect(kinds.map(\.kind) == expected.map(\.1))
        #expect(statted.map { Array($0.name.utf8) } == expected.map { Array($0.0.utf8) })
        #expect(FileTree.kind(entryType: UInt8(DT_UNKNOWN)) == nil)
        // A scan of the folder reads the regular files only, each located with its size from its descriptor.
        // (The two spellings of é make one unique name, as their copy ids would be equal strings: the second
        // file is skipped as a repeat, as before.)
        let (copies, _) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.count == 3)
        for c in copies {
            let size = try FileManager.default.attributesOfItem(atPath: d.url.appendingPathComponent(c.locator.file).path)[.size] as? Int
            #expect(c.locator.length == size)
        }
    }

    /// The files opened ahead on their own thread come back in order, each with its own bytes and size, whether
    /// the reader is slower than the opens (the ring fills and the opener waits) or faster (the reader waits);
    /// a file that cannot be opened comes back as its error in its place; stopping early closes every descriptor
    /// opened and not taken, and does not wait for the rest.
    @Test func filesOpenedAheadOnTheirThreadComeBackInOrderAndStoppingClosesTheRest() throws {
        let d = try TempDir()
        var targets: [(directory: Int32, name: String)] = []
        for k in 0..<300 {
            let path = d.url.appendingPathComponent("m\(k)").path
            if k != 77 { try String(repeating: "x", count: k).write(toFile: path, atomically: false, encoding: .utf8) }
            targets.append((AT_FDCWD, path))
        }
        // This test's own files open in the process (other tests run beside it and open theirs).
        let root = d.url.resolvingSymlinksInPath().path + "/"
        func openHere() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter {
                ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) ?? "").hasPrefix(root)
            }.count
        }
        for slowReader in [true, false] {
            let ahead = OpenAhead(count: targets.count, ahead: 8) { [targets] in targets[$0] }
            for k in 0..<300 {
                if slowReader && k % 50 == 0 { usleep(20_000) }
                if k == 77 {
                    #expect(throws: FileError.self) { try ahead.take(k, path: targets[k].name) }
                    continue
                }
                let file = try ahead.take(k, path: targets[k].name)
                #expect(file.size == k)
                var bytes: [UInt8] = []
                try file.file.readBytes(into: &bytes, count: k + 1, at: 0)
                #expect(bytes == Array(repeating: 0x78, count: k), "\(k)")
            }
            ahead.stop()
        }
        #expect(try openHere() == 0)
        let early = OpenAhead(count: targets.count, ahead: 8) { [targets] in targets[$0] }
        _ = try early.take(0, path: targets[0].name)
        // The ring fills and no more are opened: 8 files after the one taken when it was taken before the opener
        // reached the ring's end, 7 when the ring was full first (the opener then waits until half of it is free,
        // and one taken file is not half). Which of the two depends on which thread ran first.
        // Read until two readings 20 ms apart agree.
        var open = try openHere(), waited = 0
        while waited < 250 {
            usleep(20_000)
            let again = try openHere()
            if again == open && open >= 7 { break }
            open = again
            waited += 1
        }
        #expect(open == 7 || open == 8)
        #expect(open == early.ahead.files)
        early.stop()
        early.stop()
        #expect(try openHere() == 0)
    }

    /// The files opened ahead hold at most the bytes asked for (at least one file, however large): with 1,000-byte
    /// files and 3,000 bytes, three are open ahead; the opener resumes once half the bytes are free, and each file
    /// still comes back whole, in order.
    @Test func filesOpenedAheadStopAtTheirBytes() throws {
        let d = try TempDir()
        var targets: [(directory: Int32, name: String)] = []
        for k in 0..<20 {
            let path = d.url.appendingPathComponent("m\(k)").path
            let size = k == 10 ? 5_000 : 1_000
            try String(repeating: Character(UnicodeScalar(UInt8(65 + k))), count: size)
                .write(toFile: path, atomically: false, encoding: .utf8)
            targets.append((AT_FDCWD, path))
        }
        let ahead = OpenAhead(count: targets.count, ahead: 16, bytes: 3_000) { [targets] in targets[$0] }
        defer { ahead.stop() }
        func settles(at files: Int, bytes: Int) -> Bool {
            var waited = 0
            while ahead.ahead.files < files && waited < 500 {
                usleep(10_000)
                waited += 1
            }
            usleep(30_000)  // time for the opener to run past the bound, were it not kept
            return ahead.ahead == (files, bytes)
        }
        #expect(settles(at: 3, bytes: 3_000))
        _ = try ahead.take(0, path: targets[0].name)
        #expect(settles(at: 2, bytes: 2_000))  // 2,000 > half of 3,000: the opener still waits
        _ = try ahead.take(1, path: targets[1].name)
        #expect(settles(at: 3, bytes: 3_000))  // 1,000 left: it opened two more
        for k in 2..<20 {
            let file = try ahead.take(k, path: targets[k].name)
            let size = k == 10 ? 5_000 : 1_000
            #expect(file.size == size)
            var bytes: [UInt8] = []
            try file.file.readBytes(into: &bytes, count: size + 1, at: 0)
            #expect(bytes == Array(repeating: UInt8(65 + k), count: size), "\(k)")
            if k == 9 {
                // File 10 alone is over the bound: it is opened once nothing is ahead, and alone.
                #expect(settles(at: 1, bytes: 5_000))
            }
        }
        #expect(ahead.ahead == (0, 0))
        // A file over the message size limit is advised (and counted) for its header section only.
        let limit = MessageLimits().maxMessageBytes
        #expect(OpenAhead.advisedBytes(size: limit) == limit)
        #expect(OpenAhead.advisedBytes(size: limit + 1) == HeaderSection.cap)
    }

    /// cur/ and new/, each listed in byte order, are merged into the order one sort of both by name, then cur/
    /// before new/, gives.
    @Test func curAndNewAreMergedInByteOrderCurFirst() {
        var generator = SystemRandomNumberGenerator()
        let pool = (0..<40).map { "17000000\($0 % 10).M\($0)P1.host:2,S" } + ["a", "ab", "b\u{E9}", "be\u{301}"]
        for _ in 0..<500 {
            let lists = (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                Array(Set(pool.filter { _ in Bool.random(using: &generator) }.map { Array($0.utf8) }))
                    .sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
            }
            let all = lists.enumerated().flatMap { k, list in list.map { (name: $0, sub: k) } }
            let expected = all.sorted { a, b in
                let (x, y) = (Array(a.name.utf8), Array(b.name.utf8))
                return x == y ? a.sub < b.sub : x.lexicographicallyPrecedes(y)
            }
            let got = MaildirSource.merged(lists)
            #expect(got.map { Array($0.name.utf8) } == expected.map { Array($0.name.utf8) })
            #expect(got.map(\.sub) == expected.map(\.sub))
        }
    }

    /// `HeaderSection.end` (which hops between line breaks with `memchr`) finds the end a byte-by-byte scan
    /// finds, on messages with LF, CRLF, bare CR and mixed breaks, blank lines at the very start, breaks at the
    /// very end and none at all.
    @Test func theHeaderSectionEndsWhereAByteByByteScanEndsIt() {
        func reference(_ b: [UInt8]) -> Int? {
            if b.first == 0x0A { return 1 }
            if b.count >= 2, b[0] == 0x0D, b[1] == 0x0A { return 2 }
            for i in b.indices where b[i] == 0x0A {
                if i + 1 < b.count, b[i + 1] == 0x0A { return i + 2 }
                if i + 2 < b.count, b[i + 1] == 0x0D, b[i + 2] == 0x0A { return i + 3 }
            }
            return nil
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x20, 0x3A, 0x61, 0x0A, 0x0D, 0x41]
        var cases: [[UInt8]] = [[], [0x0A], [0x0D], [0x0D, 0x0A], [0x61, 0x0A], [0x61, 0x0A, 0x0D], [0x61, 0x0A, 0x0D, 0x0A],
                                Array("Subject: x\r\nFrom: y\r\n\r\nbody".utf8), Array("Subject: x\nFrom: y\n\nbody".utf8),
                                Array("Subject: x\rFrom: y\r\rbody".utf8), Array(repeating: 0x61, count: 40_000) + [0x0A, 0x0A]]
        for _ in 0..<5_000 {
            let n = Int.random(in: 0...200, using: &generator)
            cases.append((0..<n).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for c in cases { #expect(HeaderSection.end(of: c) == reference(c), "\(c.prefix(40))") }
    }

    @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
    func anUnreadableFileIsSkippedAndCounted() throws {
        let d = try TempDir()
        try d.write("cur/1700000000.a:2,S", Self.message("a"))
        let locked = try d.write("cur/1700000001.b:2,S", Self.message("b"))
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: locked.path) }
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url)
        #expect(copies.map(\.copyId) == ["box/INBOX/1700000000.a"])
        #expect(summary.skippedFiles == 1)
        #expect(summary.skipped == [RecordIssue(.fileUnreadable, at: .init(mailbox: "box", file: "cur/1700000001.b:2,S"),
                                                "cannot be read: Permission denied")])
    }

    /// `UniqueNames` answers as the `Set<String>` of unique parts it replaced: flags and separators do not make
    /// two names, canonically equal spellings are one name, a byte more or less is another; with enough files to
    /// grow its index many times.
    @Test func uniqueNamesAnswerAsASetOfTheirUniqueParts() {
        var names: [String] = [
            "1700000000.a:2,S", "1700000000.a", "1700000000.a!2,RS", "1700000000.a;2,", "1700000000.a:1,x",
            "caf\u{E9}.host:2,S", "cafe\u{301}.host", "cafe.host", "1700000000.ab:2,S", "1700000000.", ":2,S",
        ]
        for i in 0..<5_000 { names.append("\(1_700_000_000 + i % 1_700).M\(i % 1_700)P1.host" + (i % 2 == 0 ? ":2,S" : "")) }
        var files = MaildirFiles()
        for (k, n) in names.enumerated() { files.append(n, sub: k % 2) }
        var unique = UniqueNames(capacity: 4)
        var set = Set<String>()
        for k in 0..<files.count {
            #expect(files.name(k) == names[k])
            #expect(files.sub(k) == k % 2)
            let want = set.insert(MaildirName(names[k]).unique).inserted
            #expect(unique.insert(k, of: files) == want, "\(names[k])")
        }
        #expect(set.count < names.count - 1_000, "the list repeats unique names")
    }

    @Test(arguments: [
        ("1220863087.12663_15.mindcrime!2,PS", "1220863087.12663_15.mindcrime", ["seen", "passed"], Int64?(1_220_863_087)),
        ("special!2,Sabc", "special", ["seen"], nil),
        ("1252168370_3.14675.cthulhu!2,S", "1252168370_3.14675.cthulhu", ["seen"], 1_252_168_370),
        ("1700000000.M1P1.host:2,TDRFSP", "1700000000.M1P1.host", ["seen", "replied", "flagged", "draft", "trashed", "passed"], 1_700_000_000),
        ("msg;2,RS", "msg", ["seen", "replied"], nil),
        ("1700000000.x:1,experimental", "1700000000.x", [], 1_700_000_000),
        ("1305664394.2171_402.cthulhu!2,", "1305664394.2171_402.cthulhu", [], 1_305_664_394),
        ("181736.eml", "181736.eml", [], nil),
        ("mail5", "mail5", [], nil),
    ])
    func maildirNamesGiveUniquePartFlagsAndDeliveryTime(_ name: String, _ unique: String, _ flags: [String],
                                                        _ epoch: Int64?) {
        let n = MaildirName(name)
        #expect(n.unique == unique)
        #expect(n.flags == flags)
        #expect(n.deliveryEpoch == epoch)
    }
}
