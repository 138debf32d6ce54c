import Testing
@testable import MailroomCore

/// The dry-run report counts the copies merged across lists or transports apart from the plain duplicates, in
/// every format.
@Suite struct ListCopyReportTests {
    @Test func mergedCopiesAreCountedAndShownInTextJSONAndHTML() throws {
        var b = ReportBuilder(run: .init(runId: "r", pipeline: "p", asOf: "2026-11-20", days: 30,
                                         windowStart: "2026-10-22T00:00:00Z", windowEnd: "2026-11-21T00:00:00Z"))
        for (n, reason) in ["same-message-id", "list-or-transport-copy", "list-or-transport-copy"].enumerated() {
            b.add(duplicate: DroppedCopy(copyId: "m/INBOX/\(n)", mailbox: "m", folder: "INBOX", key: "mid:a@x", reason: reason))
        }
        let r = b.finish()
        #expect(r.messages.duplicates == 3 && r.messages.mergedCopies == 2)
        #expect(r.duplicatesByReason == ["same-message-id": 1, "list-or-transport-copy": 2])
        let lines = r.text().split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("duplicate copies dropped 3"))
        #expect(lines.contains("merged across lists 2 (list or transport copies: same Message-ID, sender and date)"))
        let json = try #require(JSONParser.parse(r.jsonBytes()).objectValue)
        let messages = try #require(json["messages"]?.objectValue)
        #expect(messages["duplicates"] == .int(3) && messages["mergedCopies"] == .int(2))
        let html = r.html()
        #expect(html.contains("3 duplicate copies dropped, 2 of them list or transport copies merged"))
        #expect(html.contains("list-or-transport-copy"))
        // No merged copies: the text report has no such row.
        var plain = r
        plain.messages.mergedCopies = 0
        #expect(!plain.text().contains("merged across lists"))
    }
}
