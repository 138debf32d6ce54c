/// Numbers, sizes and durations for people: locale-independent, so reports are byte-identical on every machine.
public enum NumberText {
    /// `12345` → `12,345`; `-1234567` → `-1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    public static func grouped(_ n: Int64) -> String { grouped(Int(n)) }

    /// Whole percent of `part` in `whole`, rounded half up: `percent(1, 3)` → `33%`. `0%` when `whole` is 0.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        return "\((part * 200 + whole) / (whole * 2))%"
    }

    /// `x` with one decimal, rounded half up: `12.25` → `12.3` (for non-negative values).
    public static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded(.toNearestOrAwayFromZero))
        return grouped(tenths / 10) + "." + String(tenths.magnitude % 10)
    }

    /// Decimal units (1 MB = 1,000,000 bytes), as provider limits are stated: `2_500_000_000` → `2.5 GB`.
    public static func bytes(_ n: Int64) -> String {
        if n < 1000 { return "\(n) B" }
        let units = ["kB", "MB", "GB", "TB", "PB"]
        var value = Double(n) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return oneDecimal(value) + " " + units[unit]
    }

    /// A duration rounded for a plan: `42 s`, `7 min`, `2 h 5 min`, `3 d 4 h`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "unknown" }
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(max(s, 0)) s" }
        if s < 3600 { return "\((s + 59) / 60) min" }
        if s < 86400 {
            let m = (s + 59) / 60
            return m % 60 == 0 ? "\(m / 60) h" : "\(m / 60) h \(m % 60) min"
        }
        let h = (s + 3599) / 3600
        return h % 24 == 0 ? "\(h / 24) d" : "\(h / 24) d \(h % 24) h"
    }

    /// A clock-style time left for a progress line: `0:42`, `12:05`, `1:02:03`.
    public static func clock(seconds: Int) -> String {
        let s = max(seconds, 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if s >= 3600 { return "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" }
        return "\(s / 60):\(two(s % 60))"
    }
}
