import Testing
@testable import MailroomCore

/// A report whose every mail-derived field carries hostile content.
enum HostileReport {
    static let scriptSubject = "<script>document.title='pwned'</script>"
    static let imgName = "\"><img src=x onerror=alert(1)>"
    static let formulaAddress = "=HYPERLINK(\"x\")@evil.example"

    static func make() -> DryRunReport {
        var r = DryRunReport(run: .init(runId: "20261126T081500Z", pipeline: "acme <b>sales</b>", asOf: "2026-11-14", days: 14,
                                        windowStart: "2026-11-01T00:00:00Z", windowEnd: "2026-11-15T00:00:00Z"))
        r.messages.found = 15_000
        r.messages.extracted = 12_345
        r.messages.unique = 11_000
        r.messages.sent = 3_000
        r.messages.received = 8_000
        r.messages.bulk = 1_234
        r.messages.duplicates = 1_300
        r.messages.quarantined = 2
        r.threads = { var t = DryRunReport.Threads(); t.total = 4_321; t.matched = 1_500; t.unmatched = 2_000; t.internalOnly = 821; return t }()
        r.contacts.total = 2_500
        r.contacts.matched = 640
        r.contacts.duplicateGroups = [ContactGroup(groupId: "g1", contactIds: ["c1", "c<2>"],
                                                   reasons: [ContactGroupReason(reason: "gmail-dots", key: "ab@gmail.com",
                                                                                addresses: ["a.b@gmail.com", imgName])])]
        r.bulkByReason = ["list-unsubscribe": 1_000, "precedence-bulk": 234]
        r.duplicatesByReason = ["same-message-id": 1_300]
        r.quarantineByReason = ["binary-content": 2]
        r.quarantined = [QuarantineRecord(copyId: "m/INBOX/7", mailbox: "m", folder: "<i>INBOX</i>",
                                          locator: Locator(file: "a.mbox", offset: 0, length: 1), reason: .binaryContent,
                                          detail: scriptSubject)]
        r.issues = ["unknown-charset": 3]
        r.ambiguousAddresses = ["shared&co@example.com"]
        r.unmatchedAddresses = [
            UnmatchedAddress(address: formulaAddress, name: imgName, messages: 1_200, threads: 40, sentTo: 12,
                             lastSeen: "2026-11-13T10:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "news@letters.example", name: nil, messages: 300, threads: 300, sentTo: 0,
                             lastSeen: nil, bulkOnly: true),
        ]
        r.perDay = [.init(day: "2026-11-02", sent: 200, received: 700), .init(day: "2026-11-10", sent: 0, received: 1_100),
                    .init(day: "2026-10-01", sent: 1, received: 2)]
        r.folders = ["m/INBOX": 9_000, "m/<Sent>": 3_345]
        r.spotChecks = [DryRunReport.SpotCheck(threadId: "t1", subject: scriptSubject, contacts: ["c1"],
                                               external: ["o'brien@example.com"], messages: 4, lastDate: "2026-11-12T09:00:00Z")]
        return r
    }
}

@Suite struct HTMLReportTests {
    @Test(arguments: [
        ("<script>", "&lt;script&gt;"),
        ("a & b", "a &amp; b"),
        ("say \"hi\"", "say &quot;hi&quot;"),
        ("it's", "it&#39;s"),
        ("&amp;", "&amp;amp;"),
        ("x\u{0}y\u{1B}[31mz\u{7F}", "xy[31mz"),
        ("\u{202E}gnp.exe\u{2066}", "gnp.exe"),
        ("line\r\nnext\ttab", "line \nnext\ttab"),
        ("héllo 😀 Ω", "héllo 😀 Ω"),
    ])
    func mailTextIsEscapedForHTML(input: String, expected: String) {
        #expect(HTMLEscape.escape(input) == expected)
    }

    @Test func hostileMailContentAppearsOnlyAsEscapedText() {
        let html = HostileReport.make().html()
        let lower = html.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("<img"))
        #expect(!lower.contains("<i>inbox"))
        #expect(!lower.contains("<b>sales"))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("=HYPERLINK(&quot;x&quot;)@evil.example"))
        #expect(html.contains("shared&amp;co@example.com"))
        #expect(html.contains("o&#39;brien@example.com"))
        #expect(html.contains("<title>Mailroom dry run: acme &lt;b&gt;sales&lt;/b&gt;</title>"))
    }

    @Test func pageIsSelfContainedAndForbidsScripts() {
        let html = HostileReport.make().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
        for banned in ["<script", "<link", "<iframe", "<object", "<embed", "url(", "@import", "http:", "https:", "//"] {
            #expect(!html.lowercased().contains(banned), "found \(banned)")
        }
        #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
    }

    @Test func headlineCountsUseThousandsSeparators() {
        let html = HostileReport.make().html()
        for figure in ["12,345", "15,000", "11,000", "8,000", "3,000", "4,321", "1,500", "2,500", "1,234", "1,300"] {
            #expect(html.contains(">\(figure)<") || html.contains(" \(figure)"), "missing \(figure)")
        }
        #expect(html.contains("1,500 (35%)"))
        #expect(html.contains("821 (19%)"))
    }

    @Test func everySectionIsPresent() {
        let html = HostileReport.make().html()
        for id in ["summary", "per-day", "threads", "unmatched", "duplicates", "bulk", "quarantine", "spot-checks", "folders"] {
            #expect(html.contains("id=\"\(id)\""), "missing section \(id)")
        }
        #expect(html.contains("list-unsubscribe"))
        #expect(html.contains("gmail-dots"))
        #expect(html.contains("binary-content"))
    }

    @Test func internalOnlyThreadsAreCountedWithoutSubjects() {
        let html = HostileReport.make().html()
        #expect(html.contains("internal-only"))
        #expect(html.contains("their subjects are not part of this report"))
    }

    @Test func perDaySeriesHasABarForEveryDayOfTheWindow() {
        let s = HostileReport.make().perDaySeries()
        #expect(s.bucketDays == 1)
        #expect(s.days.count == 14)
        #expect(s.firstDay == "2026-11-01")
        #expect(s.days[1].received == 700 && s.days[1].sent == 200)
        #expect(s.days[9].received == 1_100)
        #expect(s.days.filter { $0.sent + $0.received > 0 }.count == 2)
        #expect(s.days[1].title == "2026-11-02: 700 received, 200 sent")
        #expect(s.days[1].label == "2 Nov")
        #expect(s.outside == 3)
    }

    @Test func windowsLongerThanAYearAreChartedByWeek() {
        var r = DryRunReport(run: .init(runId: "r", pipeline: "p", asOf: "2026-11-14", days: 730,
                                        windowStart: "2024-11-15T00:00:00Z", windowEnd: "2026-11-15T00:00:00Z"))
        r.perDay = [.init(day: "2024-11-15", sent: 1, received: 0), .init(day: "2024-11-21", sent: 0, received: 2)]
        let s = r.perDaySeries()
        #expect(s.bucketDays == 7)
        #expect(s.days.count == 105)
        #expect(s.days[0].sent == 1 && s.days[0].received == 2)
        #expect(s.days[0].title == "2024-11-15 to 2024-11-21: 2 received, 1 sent")
        #expect(s.days[0].label == "15 Nov 2024")
    }

    @Test func anEmptyReportSaysSoInsteadOfDrawingEmptyCharts() {
        let html = DryRunReport(run: .init(runId: "r", pipeline: "p", asOf: "2026-11-14", days: 7,
                                           windowStart: "2026-11-08T00:00:00Z", windowEnd: "2026-11-15T00:00:00Z")).html()
        #expect(html.contains("No dated messages in the window."))
        #expect(html.contains("Every external address is on a contact."))
        #expect(html.contains("No message was quarantined."))
        #expect(html.contains("No thread matched a contact."))
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1_000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567"), (-1_234, "-1,234")])
    func numbersAreGroupedByThousands(value: Int, expected: String) {
        #expect(NumberText.grouped(value) == expected)
    }

    @Test(arguments: [(Int64(999), "999 B"), (1_000, "1.0 kB"), (45_600_000, "45.6 MB"), (2_500_000_000, "2.5 GB"), (999_960, "1.0 MB")])
    func sizesUseDecimalUnits(bytes: Int64, expected: String) {
        #expect(NumberText.bytes(bytes) == expected)
    }

    @Test(arguments: [(0.2, "1 s"), (42.0, "42 s"), (61.0, "2 min"), (7_500.0, "2 h 5 min"), (86_400.0, "1 d"), (100_000.0, "1 d 4 h")])
    func durationsAreRoundedUpForPlans(seconds: Double, expected: String) {
        #expect(NumberText.duration(seconds: seconds) == expected)
    }

    @Test(arguments: ["1970-01-01", "2000-02-29", "2024-12-31", "2026-11-26", "1969-12-31"])
    func civilDaysRoundTrip(iso: String) throws {
        let d = try #require(CivilDay(iso: iso))
        #expect(d.iso == iso)
        #expect(CivilDay(epoch: Int64(d.number) * 86_400 + 3_600) == d)
    }

    @Test func civilDayNumbersMatchTheEpoch() {
        #expect(CivilDay(iso: "1970-01-02")?.number == 1)
        #expect(CivilDay(iso: "2026-11-26")?.number == 20_783)
        #expect(CivilDay(epoch: -1).iso == "1969-12-31")
        #expect(CivilDay(iso: "2026-13-01") == nil)
        #expect(DryRunReport.lastDay(ofWindowEnd: "2026-11-15T00:00:00Z")?.iso == "2026-11-14")
        #expect(DryRunReport.lastDay(ofWindowEnd: "2026-11-15T12:00:00Z")?.iso == "2026-11-15")
    }
}
