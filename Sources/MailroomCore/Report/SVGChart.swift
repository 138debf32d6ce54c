/// Inline SVG charts for the HTML report: drawn in Swift, no script, every label escaped. Colours come from CSS
/// classes the report's `<style>` defines (`bar-sent`, `bar-received`, `bar-a`...), so the charts follow its theme.
enum SVGChart {
    struct Day {
        var label: String
        var title: String
        var sent: Int
        var received: Int
    }

    struct Bar {
        var label: String
        var value: Int
        var cssClass: String
    }

    /// A coordinate with at most one decimal, never grouped.
    static func c(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : (tenths < 0 && tenths > -10 ? "-" : "") + "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// The smallest 1, 2 or 5 × 10ⁿ step that splits `maxValue` into at most `ticks` steps.
    static func niceStep(_ maxValue: Int, ticks: Int = 4) -> Int {
        var magnitude = 1
        while true {
            for m in [1, 2, 5] where m * magnitude * ticks >= maxValue { return m * magnitude }
            magnitude *= 10
        }
    }

    /// Stacked bars, received at the bottom and sent on top, one per day (or bucket), with a y axis, gridlines,
    /// a label every few bars and a `<title>` per bar that screen readers and hover tooltips show.
    static func stackedDays(_ days: [Day], id: String, title: String, description: String) -> String {
        let width = 960.0, height = 300.0
        let left = 56.0, right = 12.0, top = 14.0, bottom = 44.0
        let pw = width - left - right, ph = height - top - bottom
        let maxTotal = days.map { $0.sent + $0.received }.max() ?? 0
        let step = niceStep(max(maxTotal, 1))
        let yMax = Double(step * max(1, (max(maxTotal, 1) + step - 1) / step))
        var s = "<svg class=\"chart\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" viewBox=\"0 0 \(c(width)) \(c(height))\" preserveAspectRatio=\"xMidYMid meet\">"
        s += "<title id=\"\(id)-t\">\(HTMLEscape.escape(title))</title><desc id=\"\(id)-d\">\(HTMLEscape.escape(description))</desc>"
        var v = 0
        while Double(v) <= yMax {
            let y = top + ph - Double(v) / yMax * ph
            s += "<line class=\"grid\" x1=\"\(c(left))\" y1=\"\(c(y))\" x2=\"\(c(width - right))\" y2=\"\(c(y))\"/>"
            s += "<text class=\"axis\" x=\"\(c(left - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\">\(NumberText.grouped(v))</text>"
            v += step
        }
        s += "<text class=\"axis\" x=\"14\" y=\"\(c(top + ph / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(c(top + ph / 2)))\">messages</text>"
        let n = max(days.count, 1)
        let slot = pw / Double(n)
        let barWidth = slot >= 4 ? slot * 0.78 : slot
        let labelEvery = [1, 2, 3, 5, 7, 14, 28, 56, 91, 182, 365].first { n / $0 <= 10 } ?? (n / 10 + 1)
        for (i, d) in days.enumerated() {
            let x = left + Double(i) * slot + (slot - barWidth) / 2
            let hr = Double(d.received) / yMax * ph, hs = Double(d.sent) / yMax * ph
            s += "<g><title>\(HTMLEscape.escape(d.title))</title>"
            s += "<rect class=\"hit\" x=\"\(c(left + Double(i) * slot))\" y=\"\(c(top))\" width=\"\(c(slot))\" height=\"\(c(ph))\"/>"
            if d.received > 0 {
                s += "<rect class=\"bar-received\" x=\"\(c(x))\" y=\"\(c(top + ph - hr))\" width=\"\(c(barWidth))\" height=\"\(c(hr))\"/>"
            }
            if d.sent > 0 {
                s += "<rect class=\"bar-sent\" x=\"\(c(x))\" y=\"\(c(top + ph - hr - hs))\" width=\"\(c(barWidth))\" height=\"\(c(hs))\"/>"
            }
            s += "</g>"
            if i % labelEvery == 0 {
                let cx = left + (Double(i) + 0.5) * slot
                s += "<line class=\"tick\" x1=\"\(c(cx))\" y1=\"\(c(top + ph))\" x2=\"\(c(cx))\" y2=\"\(c(top + ph + 5))\"/>"
                s += "<text class=\"axis\" x=\"\(c(cx))\" y=\"\(c(top + ph + 20))\" text-anchor=\"middle\">\(HTMLEscape.escape(d.label))</text>"
            }
        }
        s += "<line class=\"baseline\" x1=\"\(c(left))\" y1=\"\(c(top + ph))\" x2=\"\(c(width - right))\" y2=\"\(c(top + ph))\"/>"
        return s + "</svg>"
    }

    /// Horizontal bars with the label on the left and the number (and share of `total`) after each bar.
    static func horizontalBars(_ bars: [Bar], total: Int?, id: String, title: String) -> String {
        let width = 720.0, rowHeight = 34.0, labelWidth = 210.0, barArea = 360.0
        let height = Double(bars.count) * rowHeight + 8
        let maxValue = max(bars.map(\.value).max() ?? 0, 1)
        var s = "<svg class=\"chart bars\" role=\"img\" aria-labelledby=\"\(id)-t\" viewBox=\"0 0 \(c(width)) \(c(height))\" preserveAspectRatio=\"xMinYMid meet\">"
        s += "<title id=\"\(id)-t\">\(HTMLEscape.escape(title))</title>"
        for (i, b) in bars.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let w = Double(b.value) / Double(maxValue) * barArea
            var value = NumberText.grouped(b.value)
            if let total { value += " (" + NumberText.percent(b.value, of: total) + ")" }
            let shown = b.label.count > 30 ? String(b.label.prefix(29)) + "…" : b.label
            s += "<g><title>\(HTMLEscape.escape(b.label)): \(value)</title>"
            s += "<text class=\"label\" x=\"\(c(labelWidth - 10))\" y=\"\(c(y + 21))\" text-anchor=\"end\">\(HTMLEscape.escape(shown))</text>"
            s += "<rect class=\"track\" x=\"\(c(labelWidth))\" y=\"\(c(y + 5))\" width=\"\(c(barArea))\" height=\"22\" rx=\"3\"/>"
            if b.value > 0 {
                s += "<rect class=\"\(b.cssClass)\" x=\"\(c(labelWidth))\" y=\"\(c(y + 5))\" width=\"\(c(max(w, 2)))\" height=\"22\" rx=\"3\"/>"
            }
            s += "<text class=\"value\" x=\"\(c(labelWidth + barArea + 10))\" y=\"\(c(y + 21))\">\(value)</text></g>"
        }
        return s + "</svg>"
    }
}
