import Testing
import MailroomIO

struct ExtractDateWindowTests {
    @Test func theWindowEndsAtMidnightAfterTheAsOfDay() {
        let w = DateWindow(asOfDay: (2026, 11, 20), days: 14)
        #expect(w.end == 1_795_219_200)  // 2026-11-21T00:00:00Z
        #expect(w.start == w.end - 14 * 86_400)
        #expect(w.contains(w.start))
        #expect(w.contains(w.end - 1))
        #expect(!w.contains(w.end))
        #expect(!w.contains(w.start - 1))
        #expect(DateWindow(asOfDay: (2024, 3, 1), days: 1) == DateWindow(start: 1_709_251_200, end: 1_709_337_600))
        #expect(DateWindow(asOfDay: (2024, 3, 1), days: 0).start == DateWindow(asOfDay: (2024, 3, 1), days: 0).end)
    }

    @Test(arguments: [
        ("2026-11-20", true), ("2024-02-29", true), ("2000-02-29", true), ("1900-02-29", false),
        ("2026-02-29", false), ("2026-13-01", false), ("2026-00-10", false), ("2026-04-31", false),
        ("2026-1-01", false), ("20261120", false), ("2026-11-20x", false), (" 2026-11-20", false), ("", false),
    ])
    func daysParseOnlyWhenTheyExist(_ s: String, _ valid: Bool) {
        let day = DateWindow.parseDay(s)
        #expect((day != nil) == valid)
    }

    @Test func aParsedDayKeepsItsParts() throws {
        let d = try #require(DateWindow.parseDay("2026-11-20"))
        #expect(d.year == 2026 && d.month == 11 && d.day == 20)
    }

    @Test(arguments: [
        ("2026-11-20T10:00:00Z", Int64?(1_795_168_800)),
        ("2026-11-20T12:00:00+02:00", 1_795_168_800),
        ("2026-11-20T05:30:00-0430", 1_795_168_800),
        ("2026-11-20T10:00Z", 1_795_168_800),
        ("2026-11-20 10:00:00.250Z", 1_795_168_800),
        ("2026-11-20T10:00:00", 1_795_168_800),
        ("1969-12-31T23:59:59Z", -1),
        ("2026-11-20", nil), ("2026-11-20T25:00:00Z", nil), ("2026-11-20T10:00:00+2", nil),
        ("2026-11-20T10:00:00Zjunk", nil), ("Fri, 20 Nov 2026 10:00:00 +0000", nil),
    ])
    func isoDateTimesGiveEpochSeconds(_ s: String, _ epoch: Int64?) {
        #expect(DateWindow.epochSeconds(iso: s) == epoch)
    }
}
