import Foundation
import Testing
@testable import MailroomIO

/// `RunDirectory.read`: a file it has checked whole is remembered, and is hashed again once it changes.
@Suite struct RunDirectoryReadTests {
    @Test func aFileReadAndCheckedIsNotHashedAgainUntilItChanges() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("read-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let writing = try RunDirectory.create(at: url)
        let w = try writing.writer("dedupe/contacts.ndjson", schema: Contact.schema)
        let contacts = (0..<3).map { Contact(id: "C\($0)", name: "Name \($0)", emails: [], line: $0 + 2) }
        for c in contacts { try w.write(c) }
        let summary = try w.finish()

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
