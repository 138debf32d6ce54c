/// Date arithmetic for IMAP, in UTC epoch seconds only: no calendar, clock or time-zone reads, so results are
/// the same on every machine.
public enum IMAPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil date of a day number.
    public static func civil(days z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The SEARCH date (`25-Nov-2026`) of the UTC day before the one holding `epoch`. IMAP servers compare SINCE
    /// in their own time zone, so searching a day early and filtering on INTERNALDATE afterwards is exact.
    public static func searchSince(epoch: Int64) -> String {
        let (y, m, d) = civil(days: floorDiv(epoch, 86400) - 1)
        return "\(d)-\(months[m - 1])-\(y)"
    }

    /// `2026-11-25T08:15:11Z`.
    public static func iso8601(epoch: Int64) -> String {
        let day = floorDiv(epoch, 86400)
        let secs = epoch - day * 86400
        let (y, m, d) = civil(days: day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        func four(_ v: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
        return "\(four(y))-\(two(Int64(m)))-\(two(Int64(d)))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }

    /// Parses an INTERNALDATE (`17-Jul-1996 02:44:25 -0700`, day possibly space-padded) to epoch seconds.
    public static func parseInternalDate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        let dmy = parts[0].split(separator: "-")
        guard dmy.count == 3, let day = Int(dmy[0]), let year = Int(dmy[2]),
              let monthIndex = months.firstIndex(where: { $0.lowercased() == dmy[1].lowercased() }),
              (1...31).contains(day), (1...IMAPLimits.maxYear).contains(year) else { return nil }
        let hms = parts[1].split(separator: ":")
        guard hms.count == 3, let h = Int64(hms[0]), let mi = Int64(hms[1]), let s = Int64(hms[2]),
              h < 24, mi < 60, s < 61 else { return nil }
        let zone = Array(parts[2].utf8)
        guard zone.count == 5, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"),
              let zh = Int64(String(decoding: zone[1...2], as: UTF8.self)),
              let zm = Int64(String(decoding: zone[3...4], as: UTF8.self)) else { return nil }
        let offset = (zh * 3600 + zm * 60) * (zone[0] == UInt8(ascii: "-") ? -1 : 1)
        let local = days(year: year, month: monthIndex + 1, day: day) * 86400 + h * 3600 + mi * 60 + s
        return local - offset
    }

    /// INTERNALDATE text for APPEND/tests: `05-Jan-2026 10:00:00 +0000` (UTC).
    public static func internalDate(epoch: Int64) -> String {
        let day = floorDiv(epoch, 86400)
        let secs = epoch - day * 86400
        let (y, m, d) = civil(days: day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(Int64(d)))-\(months[m - 1])-\(y) \(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) +0000"
    }
}
