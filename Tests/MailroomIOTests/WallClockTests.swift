import Foundation
import Testing
@testable import MailroomIO

/// Manifest timestamps, today's date and the lock's time are written from the epoch, without Foundation's date
/// formatting (which loads ICU's data); they must read as `ISO8601DateFormatter` in UTC wrote them.
struct WallClockTests {
    static func formatter(fraction: Bool) -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = fraction ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }

    @Test(arguments: [Int64(0), 951_782_400, 1_796_415_762, 4_102_444_799], [0, 5_000_000, 50_000_000, 999_000_000])
    func timestampsAreISO8601InUTCWithMilliseconds(seconds: Int64, nanoseconds: Int) {
        let date = Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
        #expect(WallClock.timestamp(seconds: seconds, nanoseconds: nanoseconds)
                    == Self.formatter(fraction: true).string(from: date))
    }

    @Test func theMillisecondsAreCutNotRounded() {
        #expect(WallClock.timestamp(seconds: 1_796_415_762, nanoseconds: 999_999_999) == "2026-12-04T20:22:42.999Z")
        #expect(WallClock.timestamp(seconds: 1_796_415_762, nanoseconds: 1_999_999) == "2026-12-04T20:22:42.001Z")
    }

    @Test func nowAndTodayAreTheClocks() throws {
        let before = Date().timeIntervalSince1970
        let stamp = WallClock.timestamp()
        let today = WallClock.todayUTC()
        let after = Date().timeIntervalSince1970
        #expect(stamp.utf8.count == 24 && stamp.hasSuffix("Z"))
        let read = try #require(Self.formatter(fraction: true).date(from: stamp)).timeIntervalSince1970
        #expect(read >= before.rounded(.down) - 0.001 && read <= after)
        let days = Set([before, after].map { String(Self.formatter(fraction: false).string(from: Date(timeIntervalSince1970: $0)).prefix(10)) })
        #expect(days.contains(today))
    }

    @Test(arguments: [0.0, 0.7, 1_796_415_762.25, 1_796_415_762.999, -1.5])
    func theLocksTimeIsISO8601InUTCToTheSecond(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(FileLock.isoUTC(date) == Self.formatter(fraction: false).string(from: date))
    }
}
