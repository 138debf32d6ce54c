import Foundation
import Testing
@testable import MailroomIO

/// `RunDirectory.read(_:_:lineRanges:)`: the match stage's second look at a few lines of dedupe's messages.
@Suite struct RunDirectoryLineRanges {
    @Test func fewLinesAreReadBackByTheirByteRangesAndARangeThatIsNotALineIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ranges-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let dir = try RunDirectory.create(at: url)
        let w = try dir.writer("dedupe/contacts.ndjson", schema: Contact.schema)
        let contacts = (0..<5).map { i in
            Contact(id: "C\(i)", name: String(repeating: "é", count: i * 7), emails: [], line: i + 2)
        }
        for c in contacts { try w.write(c) }
        let summary = try w.finish()
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
