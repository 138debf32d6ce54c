extension DryRunReport {
    /// The per-day counts laid over every day of the window (days without mail are zero bars), bucketed by
    /// week when the window is longer than about a year so that bars stay visible.
    struct PerDaySeries {
        var days: [SVGChart.Day]
        /// 1 (a bar per day), 7 (a bar per week) or 30.
        var bucketDays: Int
        /// Messages on days outside the window (or with an unreadable day), not charted.
        var outside: Int
        var firstDay: String

        /// What one bar stands for: `day`, `week` or `30 days`.
        var unit: String { bucketDays == 1 ? "day" : (bucketDays == 7 ? "week" : "\(bucketDays) days") }
    }

    /// The last day inside the window: `windowEnd` is exclusive, so a window ending at midnight ends the day before.
    static func lastDay(ofWindowEnd end: String) -> CivilDay? {
        guard let day = CivilDay(iso: end) else { return nil }
        let time = Array(end.utf8.dropFirst(10).prefix(9))
        let midnight = time.isEmpty || String(decoding: time, as: UTF8.self) == "T00:00:00"
        return midnight ? CivilDay(number: day.number - 1) : day
    }

    func perDaySeries() -> PerDaySeries {
        var counts: [Int: (sent: Int, received: Int)] = [:]
        var outside = 0
        for d in perDay {
            guard let day = CivilDay(iso: d.day) else { outside += d.sent + d.received; continue }
            let c = counts[day.number] ?? (0, 0)
            counts[day.number] = (c.sent + d.sent, c.received + d.received)
        }
        var first = CivilDay(iso: run.windowStart)?.number
        var last = Self.lastDay(ofWindowEnd: run.windowEnd)?.number
        if first == nil || last == nil || last! < first! {
            first = counts.keys.min()
            last = counts.keys.max()
        }
        guard let first, let last else { return PerDaySeries(days: [], bucketDays: 1, outside: outside, firstDay: "") }
        for (day, c) in counts where day < first || day > last { outside += c.sent + c.received }
        let span = last - first + 1
        let bucket = span <= 370 ? 1 : (span <= 370 * 7 ? 7 : 30)
        var days: [SVGChart.Day] = []
        var start = first
        while start <= last {
            let end = min(start + bucket - 1, last)
            var sent = 0, received = 0
            for d in start...end { if let c = counts[d] { sent += c.sent; received += c.received } }
            let day = CivilDay(number: start)
            let counted = "\(NumberText.grouped(received)) received, \(NumberText.grouped(sent)) sent"
            let title = bucket == 1 ? "\(day.iso): \(counted)" : "\(day.iso) to \(CivilDay(number: end).iso): \(counted)"
            // Long windows cross a new year: their axis labels carry it.
            let label = span > 180 ? "\(day.shortLabel) \(day.components.year)" : day.shortLabel
            days.append(SVGChart.Day(label: label, title: title, sent: sent, received: received))
            start += bucket
        }
        return PerDaySeries(days: days, bucketDays: bucket, outside: outside, firstDay: CivilDay(number: first).iso)
    }
}
