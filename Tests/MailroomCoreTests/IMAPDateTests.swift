import Testing
import MailroomCore

struct IMAPDateTests {
    @Test(arguments: [
        ("17-Jul-1996 02:44:25 -0700", Int64(837_596_665)),
        (" 1-Jan-2026 00:30:00 +0100", Int64(1_767_223_800)),
        ("29-Feb-2024 23:59:59 +0000", Int64(1_709_251_199)),
        ("01-Jan-1970 00:00:00 +0000", Int64(0)),
    ])
    func internalDatesParseToEpochSeconds(text: String, epoch: Int64) {
        #expect(IMAPDate.parseInternalDate(text) == epoch)
    }

    @Test(arguments: ["", "32-Jan-2026 00:00:00 +0000", "01-Foo-2026 00:00:00 +0000", "01-Jan-2026 25:00:00 +0000", "01-Jan-2026 00:00:00 0000"])
    func malformedInternalDatesAreRejected(text: String) {
        #expect(IMAPDate.parseInternalDate(text) == nil)
    }

    @Test func searchStartsTheUTCDayBeforeTheWindow() {
        // 2026-03-01T00:30:00Z: the day before is 28-Feb-2026, whatever the machine's zone.
        let start = IMAPDate.days(year: 2026, month: 3, day: 1) * 86400 + 1800
        #expect(IMAPDate.searchSince(epoch: start) == "28-Feb-2026")
        #expect(IMAPCommand.searchSince(start: start) == "UID SEARCH SINCE 28-Feb-2026")
        #expect(IMAPDate.iso8601(epoch: start) == "2026-03-01T00:30:00Z")
        #expect(IMAPDate.internalDate(epoch: start) == "01-Mar-2026 00:30:00 +0000")
    }

    @Test func civilDatesRoundTripAcrossCenturies() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = IMAPDate.civil(days: day)
            #expect(IMAPDate.days(year: y, month: m, day: d) == day)
        }
    }

    @Test func theWindowIncludesItsStartAndExcludesItsEnd() {
        let w = DateWindow(asOfDay: (2026, 1, 11), days: 2)
        #expect(w.start == IMAPDate.days(year: 2026, month: 1, day: 10) * 86400)
        #expect(w.end == IMAPDate.days(year: 2026, month: 1, day: 12) * 86400)
        #expect(w.contains(w.start))
        #expect(!w.contains(w.start - 1))
        #expect(w.contains(w.end - 1))
        #expect(!w.contains(w.end))
    }
}
