import Testing
import MailroomCore

/// The post-load review's rendering (text, JSON, HTML) from findings, without a store.
struct ReviewReportTests {
    static let report = ReviewReport(
        store: "/srv/crm/crm.sqlite",
        findings: [
            ReviewFinding(check: "linked-address", severity: .failure, detail: "message mid:m1 is linked to contact c2",
                          contactId: "c2", messageKey: "mid:m1"),
            ReviewFinding(check: "recent-sent", severity: .warning, detail: "mailbox sales sent nothing in the last 7 days",
                          mailbox: "sales"),
        ],
        sample: [SpotCheck(threadId: "t1", sender: "alice@customer.com", recipient: "me@example.com",
                           subject: "<script>alert(1)</script>", date: nil)])

    @Test func theTextHasOneLinePerCheckItsFindingsAndTheVerdict() {
        let lines = Self.report.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(!Self.report.passed)
        #expect(lines.first == "FAILED  linked-address: every message linked to a contact has that contact's address among its participants")
        #expect(lines[1] == "  FAIL message mid:m1 is linked to contact c2")
        #expect(lines.contains("WARNING recent-sent: each mailbox has sent messages in the last 7 days of its window"))
        #expect(lines.contains("OK      duplicate-message: no Message-ID is on two messages with the same sender and date (one email stored twice)"))
        #expect(lines.contains("  t1  (no date)  alice@customer.com → me@example.com  \"<script>alert(1)</script>\""))
        #expect(lines.last == "review FAILED: 1 problems, 1 warnings")
    }

    @Test func theJSONListsEveryCheckInOrderWithItsStatusAndFindings() throws {
        let o = try #require(try JSONParser.parse(Array(Self.report.json().utf8)).objectValue)
        #expect(o["schemaVersion"] == .int(ReviewReport.schemaVersion))
        #expect(o["passed"] == .bool(false))
        let checks = try #require(o["checks"]?.arrayValue).compactMap(\.objectValue)
        #expect(checks.compactMap { $0["check"]?.stringValue } == ReviewReport.checks.map(\.0))
        #expect(checks.compactMap { $0["status"]?.stringValue } == ["failed", "ok", "ok", "warning", "ok", "ok"])
        let linked = try #require(checks[0]["findings"]?.arrayValue?.first?.objectValue)
        #expect(linked["contactId"] == .string("c2") && linked["messageKey"] == .string("mid:m1"))
        #expect(o["sample"]?.arrayValue?.first?.objectValue?["date"] == .null)
    }

    @Test func theHTMLPageEscapesMailContentAndLoadsNothing() {
        let h = Self.report.html()
        #expect(h.contains("<title>Mailroom review: failed</title>"))
        #expect(!h.contains("<script>"))
        #expect(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(h.contains("1 problems · 1 warnings"))
        #expect(!h.contains("src=\"http"))
    }

    @Test func warningsAloneDoNotFailTheReview() {
        let r = ReviewReport(store: "s", findings: [Self.report.findings[1]], sample: [])
        #expect(r.passed)
        #expect(r.status(of: "recent-sent") == "warning")
        #expect(r.text().hasSuffix("review passed (1 warnings)"))
    }
}
