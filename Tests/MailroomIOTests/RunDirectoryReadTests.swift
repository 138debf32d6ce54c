import Foundation
import Testing
@testable import MailroomIO

/// A run directory in a fresh temporary folder holding `dedupe/contacts.ndjson` with `contacts`, written through
/// the directory (so that directory takes it as checked), with its summary.
private func contactsFile(_ contacts: [Contact]) throws -> (url: URL, dir: RunDirectory, summary: FileSummary) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("read-\(UUID().uuidString)")
    let dir = try RunDirectory.create(at: url)
    let w = try dir.writer("dedupe/contacts.ndjson", schema: Contact.schema)
    for c in contacts { try w.write(c) }
    return (url, dir, try w.finish())
}

/// `RunDirectory.read`: a file it has checked whole is remembered, and is hashed again once it changes.
@Suite struct RunDirectoryReadTests {
    @Test func aFileReadAndCheckedIsNotHashedAgainUntilItChanges() throws {
        let contacts = (0..<3).map { Contact(id: "C\($0)", name: "Name \($0)", emails: [], line: $0 + 2) }
        let (url, _, summary) = try contactsFile(contacts)
        defer { try? FileManager.default.removeItem(at: url) }

        // Another process (a stage run on its own) knows nothing of the file until it has read it.
        let dir = RunDirectory(url: url)
        let path = dir.fileURL(summary.file).path
        #expect(!dir.written.isUnchanged(path, sha256: summary.sha256))
        var got: [Contact] = []
        try dir.read(Contact.self, summary) { c, _ in got.append(c) }
        #expect(got == contacts)
        #expect(dir.written.isUnchanged(path, sha256: summary.sha256))

        // A file that does not match is refused and not remembered.
        var wrong = summary
        wrong.sha256 = String(repeating: "0", count: 64)
        #expect(throws: MailroomError.self) { try dir.read(Contact.self, wrong) { _, _ in } }
        #expect(!dir.written.isUnchanged(path, sha256: wrong.sha256))

        // Changed in place (same size, one byte): hashed again, and refused.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seek(toOffset: 2)
        try h.write(contentsOf: Data("d".utf8))  // "id" → "dd"
        try h.close()
        var times = [timespec(tv_sec: 1, tv_nsec: 0), timespec(tv_sec: 1, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let error = #expect(throws: MailroomError.self) { try dir.read(Contact.self, summary) { _, _ in } }
        #expect(error?.status == .input)
    }
}

/// `RunDirectory.read(_:_:lineRanges:)`: the match stage's second look at a few lines of dedupe's messages.
@Suite struct RunDirectoryLineRanges {
    @Test func fewLinesAreReadBackByTheirByteRangesAndARangeThatIsNotALineIsRefused() throws {
        let contacts = (0..<5).map { i in
            Contact(id: "C\(i)", name: String(repeating: "é", count: i * 7), emails: [], line: i + 2)
        }
        let (url, dir, summary) = try contactsFile(contacts)
        defer { try? FileManager.default.removeItem(at: url) }
        var starts: [Int] = []
        var position = 0
        try dir.read(Contact.self, summary) { _, bytes, _ in
            starts.append(position)
            position += bytes.count + 1
        }
        starts.append(position)
        var got: [Contact] = []
        try dir.read(Contact.self, summary, lineRanges: [starts[1]..<starts[2], starts[4]..<starts[5]]) { got.append($0) }
        #expect(got == [contacts[1], contacts[4]])

        let error = #expect(throws: MailroomError.self) {
            try dir.read(Contact.self, summary, lineRanges: [starts[1]..<(starts[2] - 1)]) { _ in }
        }
        #expect(error?.status == .input)
        #expect(error?.location?.hasSuffix("dedupe/contacts.ndjson") == true)
    }
}
