import Foundation
import MailroomCore
import Testing
@testable import MailroomIO

/// The NDJSON reader gives the same records and line numbers whatever its read-chunk size, and refuses a file
/// that was cut short or holds a line that is not JSON, naming the file and the line.
@Suite struct NDJSONReaderTests {
    static let chunkSizes = [1, 2, 3, 7, 64, 4096, 1 << 20]

    /// Contacts with long lines (over several chunks at 4096) and multi-byte UTF-8 (2, 3 and 4 bytes) placed so that
    /// small chunk sizes split characters.
    static let contacts: [Contact] = {
        var out: [Contact] = []
        let names = ["Zoë Ångström", "需要予測 ワークショップ", "Статус проекта", "emoji 📬 🧾 tail", "plain"]
        for i in 0..<40 {
            let long = String(repeating: names[i % names.count] + " ", count: i % 7 == 0 ? 700 : 1 + i % 3)
            let emails = (0..<(1 + i % 4)).map { k in
                ContactEmail(raw: "p\(i).\(k)@bücher.example", address: "p\(i).\(k)@bücher.example",
                             key: "p\(i).\(k)@xn--bcher-kva.example", foldedKey: "p\(i).\(k)@xn--bcher-kva.example",
                             issue: k == 3 ? "not an address: «x»" : nil)
            }
            out.append(Contact(id: "C\(i)", name: long, emails: emails, line: i + 2))
        }
        return out
    }()

    func write(_ bytes: [UInt8]) throws -> (dir: URL, file: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("contacts.ndjson")
        try Data(bytes).write(to: file)
        return (dir, file)
    }

    func fileBytes(_ records: [Contact]) -> [UInt8] {
        var bytes: [UInt8] = []
        for r in records {
            bytes += r.jsonBytes()
            bytes.append(0x0A)
        }
        return bytes
    }

    @Test func theTestFileHasLongLinesAndMultiByteCharacters() {
        let bytes = fileBytes(Self.contacts)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.contacts.count)
        #expect(lines.contains { $0.count > 20_000 })
        #expect(bytes.contains { $0 >= 0xF0 })  // a 4-byte sequence
    }

    @Test(arguments: chunkSizes)
    func everyChunkSizeReadsTheSameRecordsAndLineNumbers(chunkSize: Int) throws {
        let bytes = fileBytes(Self.contacts)
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        var read: [Contact] = []
        var numbers: [Int] = []
        let summary = try NDJSONReader.forEach(Contact.self, url: file, chunkSize: chunkSize) { c, line in
            read.append(c)
            numbers.append(line)
        }
        #expect(read == Self.contacts)
        #expect(numbers == Array(1...Self.contacts.count))
        #expect(summary.lines == Self.contacts.count)
        let whole = try NDJSONReader.forEachLine(url: file) { _, _ in }
        #expect(summary.sha256 == whole.sha256)
        #expect(summary.sha256.count == 64)
    }

    @Test(arguments: chunkSizes)
    func everyChunkSizeGivesTheSameLineBytes(chunkSize: Int) throws {
        let bytes = fileBytes(Self.contacts)
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines: [[UInt8]] = []
        try NDJSONReader.forEachLine(url: file, chunkSize: chunkSize) { line, _ in lines.append(Array(line)) }
        let expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        #expect(lines == expected)
    }

    @Test(arguments: chunkSizes)
    func aLastLineWithoutNewlineIsAnInputErrorNamingTheLine(chunkSize: Int) throws {
        var bytes = fileBytes(Array(Self.contacts.prefix(5)))
        bytes.removeLast()  // the newline of line 5
        bytes.removeLast(10)  // and part of the record, as an interrupted writer leaves it
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        var seen: [Int] = []
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEach(Contact.self, url: file, displayPath: "run/contacts.ndjson", chunkSize: chunkSize) { _, n in
                seen.append(n)
            }
        }
        #expect(error?.status == .input)
        #expect(error?.location == "run/contacts.ndjson")
        #expect(error?.message.hasPrefix("line 5 has no newline: the file is incomplete") == true)
        #expect(seen == [1, 2, 3, 4])
    }

    @Test(arguments: [1, 3, 64, 1 << 20])
    func aLineThatIsNotJSONIsAnInputErrorNamingTheLine(chunkSize: Int) throws {
        var bytes = fileBytes(Array(Self.contacts.prefix(3)))
        bytes += Array("{\"id\":\"C9\",\"name\":\"Zoë\"\n".utf8)  // cut-off object
        bytes += fileBytes([Self.contacts[3]])
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEach(Contact.self, url: file, displayPath: "x.ndjson", chunkSize: chunkSize) { _, _ in }
        }
        #expect(error?.status == .input)
        #expect(error?.description.hasPrefix("x.ndjson: line 4: not a valid record") == true)
    }

    @Test func aRecordMissingAFieldIsAnInputErrorNamingTheLine() throws {
        let bytes = fileBytes(Array(Self.contacts.prefix(2))) + Array("{\"id\":\"C9\"}\n".utf8)
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEach(Contact.self, url: file, displayPath: "x.ndjson") { _, _ in }
        }
        #expect(error?.description.hasPrefix("x.ndjson: line 3: not a valid record") == true)
    }

    @Test func anEmptyFileHasNoLinesAndAMissingFileIsAnInputError() throws {
        let (dir, file) = try write([])
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try NDJSONReader.forEachLine(url: file) { _, _ in Issue.record("no line expected") }
        #expect(summary.lines == 0)
        // SHA-256 of nothing.
        #expect(summary.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEachLine(url: dir.appendingPathComponent("gone.ndjson"), displayPath: "gone.ndjson") { _, _ in }
        }
        #expect(error?.status == .input)
        #expect(error?.location == "gone.ndjson")
    }

    @Test func whatTheWriterWritesTheReaderReadsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("c.ndjson")
        let w = try NDJSONWriter(url: url, relativePath: "c.ndjson", schema: Contact.schema)
        for c in Self.contacts { try w.write(c) }
        let summary = try w.finish()
        var read: [Contact] = []
        let r = try NDJSONReader.forEach(Contact.self, url: url, chunkSize: 7) { c, _ in read.append(c) }
        #expect(read == Self.contacts)
        #expect(r.lines == summary.lines)
        #expect(r.sha256 == summary.sha256)
        #expect(summary.bytes == fileBytes(Self.contacts).count)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["c.ndjson"])
    }

    /// Enough short records for many decoded batches (`decodeBatchLines` lines each) to be read ahead of `body`.
    static let many: [Contact] = (0..<(NDJSONReader.decodeBatchLines * 9 + 17)).map { i in
        Contact(id: "M\(i)", name: "Name \(i) Zoë", emails: [], line: i + 2)
    }

    /// Batches of very different sizes one after another (lines of a few bytes, lines of a third of a batch, one
    /// line of five batches), so that each batch reuses the buffers of a batch of another size given back: every
    /// record and every line's bytes are the file's, in order, read ahead or not.
    @Test(arguments: [(true, false), (false, false), (true, true)])
    func batchesReusingTheBuffersOfEarlierOnesHoldTheirOwnLines(readAhead: Bool, everyCore: Bool) throws {
        let records: [Contact] = (0..<(NDJSONReader.decodeBatchLines * 4)).map { i in
            let long = (600..<640).contains(i) || (1500..<1507).contains(i)
            // One line far longer than a batch: its buffer is not kept for the batches after it.
            let size = i == 1700 ? 5 * NDJSONReader.decodeBatchBytes : long ? NDJSONReader.decodeBatchBytes / 3 + i % 97 : i % 13
            return Contact(id: "R\(i)", name: String(repeating: i % 2 == 0 ? "a" : "é", count: size), emails: [],
                           line: i + 2)
        }
        let bytes = fileBytes(records)
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        var seen = 0
        try NDJSONReader.forEach(Contact.self, url: file, readAhead: readAhead, decodingOnEveryCore: everyCore) { c, line, n in
            #expect(c == records[n - 1])
            #expect(Array(line) == Array(lines[lines.startIndex + n - 1]), "line \(n)")
            #expect(n == seen + 1)
            seen = n
        }
        #expect(seen == records.count)
    }

    /// A buffer a long line grew is freed, not kept for the rest of the file; one of a batch's usual size is kept.
    @Test func onlyBuffersOfABatchsUsualSizeAreKept() {
        #expect(NDJSONReader.keepsBuffer(capacity: NDJSONReader.decodeBatchBytes))
        #expect(NDJSONReader.keepsBuffer(capacity: 2 * NDJSONReader.decodeBatchBytes))
        #expect(!NDJSONReader.keepsBuffer(capacity: 2 * NDJSONReader.decodeBatchBytes + 1))
        #expect(!NDJSONReader.keepsBuffer(capacity: 64 << 20))
    }

    /// A batch ends before the line that would not fit in its buffer, so that the buffer keeps the size it was
    /// reserved at; a line longer than a whole batch still goes in (into a batch of its own), and a batch with
    /// no bytes yet never ends.
    @Test func aBatchEndsBeforeTheLineThatWouldGrowItsBuffer() {
        let size = NDJSONReader.decodeBatchBytes
        #expect(!NDJSONReader.endsBatch(before: 100, buffered: size - 100, capacity: size))
        #expect(NDJSONReader.endsBatch(before: 101, buffered: size - 100, capacity: size))
        // The capacity the allocator rounded up to is used whole; a smaller one counts as a batch's size.
        #expect(!NDJSONReader.endsBatch(before: 200, buffered: size, capacity: size + 256))
        #expect(!NDJSONReader.endsBatch(before: 100, buffered: size - 200, capacity: 0))
        #expect(NDJSONReader.endsBatch(before: 5 * size, buffered: 1, capacity: size))
        #expect(!NDJSONReader.endsBatch(before: 5 * size, buffered: 0, capacity: size))
    }

    /// Read ahead or not, decoded on every core (`decodingOnEveryCore`) or on all but the caller's.
    @Test(arguments: [(true, false), (false, false), (true, true)])
    func aBadLineFarAheadStopsTheReadAfterEveryLineBeforeIt(readAhead: Bool, everyCore: Bool) throws {
        let bad = NDJSONReader.decodeBatchLines * 7 + 3
        var bytes = fileBytes(Array(Self.many.prefix(bad - 1)))
        bytes += Array("{\"id\":\"broken\"\n".utf8)
        bytes += fileBytes(Array(Self.many.suffix(from: bad)))
        let (dir, file) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        var seen: [Int] = []
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEach(Contact.self, url: file, displayPath: "x.ndjson", chunkSize: 4096,
                                     readAhead: readAhead, decodingOnEveryCore: everyCore) { c, _, n in
                #expect(c == Self.many[n - 1])
                seen.append(n)
            }
        }
        #expect(error?.description.hasPrefix("x.ndjson: line \(bad): not a valid record") == true)
        #expect(seen == Array(1..<bad))
    }

    @Test(arguments: [true, false])
    func aMissingFileIsAnInputErrorWhetherOrNotItIsReadAhead(readAhead: Bool) throws {
        let (dir, _) = try write([])
        defer { try? FileManager.default.removeItem(at: dir) }
        var called = false
        let error = #expect(throws: MailroomError.self) {
            try NDJSONReader.forEach(Contact.self, url: dir.appendingPathComponent("gone.ndjson"), displayPath: "gone.ndjson",
                                     readAhead: readAhead) { _, _, _ in called = true }
        }
        #expect(error?.status == .input)
        #expect(error?.location == "gone.ndjson")
        #expect(!called)
    }

    struct Stop: Error, Equatable {}

    @Test func anErrorOfTheCallerStopsTheReaderAndComesBackAsItIs() throws {
        let (dir, file) = try write(fileBytes(Self.many))
        defer { try? FileManager.default.removeItem(at: dir) }
        var seen = 0
        #expect(throws: Stop()) {
            try NDJSONReader.forEach(Contact.self, url: file) { _, n in
                seen = n
                if n == 100 { throw Stop() }
            }
        }
        #expect(seen == 100)
        // Read again, whole: the reader stopped above leaves nothing behind that changes a later read.
        var count = 0
        let summary = try NDJSONReader.forEach(Contact.self, url: file) { c, n in
            #expect(c == Self.many[n - 1])
            count += 1
        }
        #expect(count == Self.many.count && summary.lines == Self.many.count)
    }

    @Test func theWriterThreadWritesTheFileTheWriterAloneWrites() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.many + Self.contacts
        let plain = try NDJSONWriter(url: dir.appendingPathComponent("a.ndjson"), relativePath: "a.ndjson", schema: Contact.schema)
        for c in records { try plain.write(c) }
        let a = try plain.finish()
        let threaded = RecordWriterThread<Contact>(
            try NDJSONWriter(url: dir.appendingPathComponent("b.ndjson"), relativePath: "a.ndjson", schema: Contact.schema))
        for c in records { try threaded.write(c) }
        let b = try threaded.finish()
        #expect(a == b)
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.ndjson")) == Data(contentsOf: dir.appendingPathComponent("b.ndjson")))
        // Dropped before `finish` (a failed stage): its thread stops, and neither the file nor a temporary is left.
        do {
            let dropped = RecordWriterThread<Contact>(
                try NDJSONWriter(url: dir.appendingPathComponent("c.ndjson"), relativePath: "c.ndjson", schema: Contact.schema))
            for c in records { try dropped.write(c) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.ndjson", "b.ndjson"])
    }

    @Test(.enabled(if: StoreTmpfs.available, "needs root and mount(8) for a tmpfs"))
    func aFullDiskUnderTheWriterThreadIsALocalIOErrorAndLeavesNoFile() throws {
        let fs = try #require(StoreTmpfs(size: "256k"))
        let url = URL(fileURLWithPath: fs.path + "/links.ndjson")
        let error = #expect(throws: MailroomError.self) {
            let threaded = RecordWriterThread<Contact>(try NDJSONWriter(url: url, relativePath: "links.ndjson", schema: Contact.schema))
            for _ in 0..<20 {  // about 3 MB: the thread's flushes fill the disk while records are still coming
                for c in Self.many + Self.contacts { try threaded.write(c) }
            }
            _ = try threaded.finish()
        }
        #expect(error?.status == .localIO)
        #expect(error?.location == url.path)
        #expect(error?.message.hasPrefix("disk full: could not write") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fs.path) == [])
    }
}
