/// The backfill window: the half-open range `[start, end)` of epoch seconds (UTC) a copy's date must fall in for
/// the extract stage to keep it. Pure: the caller supplies the as-of day (no clock reads here).
public struct DateWindow: Sendable, Equatable {
    /// Epoch seconds UTC, inclusive.
    public var start: Int64
    /// Epoch seconds UTC, exclusive.
    public var end: Int64

    /// The `days` calendar days (UTC) ending with the as-of day: `end` is the midnight UTC after `asOfDay`,
    /// `start` is `days` days before it. `days` below 0 counts as 0 (an empty window).
    public init(asOfDay: (year: Int, month: Int, day: Int), days: Int) {
        let endDay = DateWindow.epochDays(year: asOfDay.year, month: asOfDay.month, day: asOfDay.day) + 1
        end = endDay * 86_400
        start = end - Int64(max(days, 0)) * 86_400
    }

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Whether `epoch` is in `[start, end)`.
    public func contains(_ epoch: Int64) -> Bool {
        epoch >= start && epoch < end
    }

    /// Parses a calendar day written `YYYY-MM-DD` ("2026-11-20"); nil when malformed or not a real date.
    public static func parseDay(_ s: String) -> (year: Int, month: Int, day: Int)? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = digits(b[0..<4]), let m = digits(b[5..<7]), let d = digits(b[8..<10]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m)
        else { return nil }
        return (y, m, d)
    }
}

extension DateWindow {
    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). Month and day are
    /// not range-checked.
    public static func epochDays(year: Int, month: Int, day: Int) -> Int64 {
        MailDate.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// Epoch seconds of an ISO 8601 date-time as the normalize stage writes it: `YYYY-MM-DDTHH:MM[:SS[.fff]]`
    /// followed by `Z`, `±HH:MM`, `±HHMM` or nothing (UTC). A space may stand for the `T`. Nil when malformed.
    public static func epochSeconds(iso s: String) -> Int64? {
        let b = Array(s.utf8)
        guard b.count >= 16, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
              let y = digits(b[0..<4]), let mo = digits(b[5..<7]), let d = digits(b[8..<10]),
              let h = digits(b[11..<13]), let mi = digits(b[14..<16]),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo), h < 24, mi < 60
        else { return nil }
        var i = 16
        var sec = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard i + 3 <= b.count, let s2 = digits(b[(i + 1)..<(i + 3)]), s2 <= 60 else { return nil }
            sec = s2
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            }
        }
        var offset = 0
        if i < b.count {
            switch b[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard i + 3 <= b.count, let oh = digits(b[(i + 1)..<(i + 3)]) else { return nil }
                i += 3
                if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
                guard i + 2 <= b.count, let om = digits(b[i..<(i + 2)]), om < 60 else { return nil }
                i += 2
                offset = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard i == b.count else { return nil }
        return epochDays(year: y, month: mo, day: d) * 86_400 + Int64(h * 3600 + mi * 60 + sec - offset)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for c in s {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }
}
