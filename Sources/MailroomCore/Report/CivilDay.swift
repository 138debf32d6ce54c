/// A UTC calendar day as a day number since 1970-01-01, for charts and windows without a calendar library.
/// Proleptic Gregorian (Howard Hinnant's `days_from_civil`).
public struct CivilDay: Sendable, Hashable, Comparable {
    public var number: Int

    public init(number: Int) { self.number = number }

    public init(year: Int, month: Int, day: Int) {
        number = Int(MailDate.days(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    /// The day an epoch second falls on (UTC).
    public init(epoch: Int64) {
        let d = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400
        number = Int(d)
    }

    /// Parses the `YYYY-MM-DD` at the start of `s` (a date or an ISO 8601 timestamp); nil if it is not one.
    public init?(iso s: String) {
        let b = Array(s.utf8.prefix(10))
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let (y, m, d) = MailDate.civil(fromDays: Int64(number))
        return (Int(y), Int(m), Int(d))
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let c = components
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `3 Nov` — a short axis label.
    public var shortLabel: String {
        let c = components
        return "\(c.day) \(Self.monthNames[c.month - 1])"
    }

    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.number < b.number }
}
