/// RFC 5322 dates, their obsolete forms and the broken forms clients really write, to UTC epoch seconds.
/// Independent of the machine's time zone and clock.
public enum MailDate {
    /// Epoch seconds (UTC) of a Date header value, or nil when it cannot be read. Accepts obsolete and named
    /// zones (UT, GMT, EST, military letters as -0000), missing seconds, day-of-week or zone, 2-digit years,
    /// comments and trailing text, asctime (`Thu Nov 24 18:22:48 1986`) and ISO-like forms.
    public static func parse(_ value: String) -> Int64? {
        var b: [UInt8] = []
        b.reserveCapacity(value.utf8.count)
        var depth = 0
        for c in value.utf8 {  // comments `( ... )` become white space
            if c == 0x28 { depth += 1; b.append(0x20); continue }
            if c == 0x29 { if depth > 0 { depth -= 1 }; b.append(0x20); continue }
            if depth == 0 { b.append(ByteLines.lowerASCII(c)) }
        }
        var s = 0
        while s < b.count, ByteLines.isSpace(b[s]) { s += 1 }
        if b.count - s >= 5, (s..<s + 4).allSatisfy({ ASCIIBytes.isDigit(b[$0]) }), b[s + 4] == 0x2D || b[s + 4] == 0x2F {
            return isoLike(Array(b[s...]))
        }
        if let p = commonParts(b) {
            return epoch(p.year, p.month, p.day, p.time.0, p.time.1, p.time.2, offset: p.offset)
        }
        return rfcLike(b)
    }

    /// ISO 8601 UTC with seconds: `2024-03-05T10:22:01Z`. Epochs outside years 0001...9999 are clamped to them.
    public static func iso(_ rawEpoch: Int64) -> String {
        let epoch = min(max(rawEpoch, -62_135_596_800), 253_402_300_799)
        let days = epoch / 86400 - (epoch % 86400 < 0 ? 1 : 0)
        let secs = epoch - days * 86400
        let (y, m, d) = civil(fromDays: days)
        // The clamp keeps the year in 1...9999: every field has a fixed width, written as bytes (`pad` and string
        // concatenation cost about a microsecond a date, and every message has one or two).
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ v: Int64, _ width: Int, at start: Int) {
                var v = v
                for k in stride(from: start + width - 1, through: start, by: -1) {
                    out[k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 0); out[4] = 0x2D; put(m, 2, at: 5); out[7] = 0x2D; put(d, 2, at: 8); out[10] = 0x54
            put(secs / 3600, 2, at: 11); out[13] = 0x3A; put(secs / 60 % 60, 2, at: 14); out[16] = 0x3A
            put(secs % 60, 2, at: 17); out[19] = 0x5A
            return 20
        }
    }

    /// Reads `iso(_:)` output back; also accepts fractions, numeric offsets and a space instead of `T`.
    public static func parseISO(_ s: String) -> Int64? {
        isoLike(Array(s.utf8).map(ByteLines.lowerASCII))
    }

    // MARK: - Calendar

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Epoch seconds from validated parts; nil when out of range.
    static func epoch(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, offset: Int) -> Int64? {
        guard (1000...9999).contains(y), (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo),
              (0...23).contains(h) || (h == 24 && mi == 0 && s == 0), (0...59).contains(mi), (0...60).contains(s)
        else { return nil }
        let day = days(year: Int64(y), month: Int64(mo), day: Int64(d))
        let t = day * 86400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
        // The instant in UTC must be in years 1000...9999 too: `1 Jan 1000 00:01 +0200` is 0999-12-31T22:01Z,
        // which `iso` would write and `parseISO` refuse (a date that does not read back the same).
        return (firstEpoch...lastEpoch).contains(t) ? t : nil
    }

    /// 1000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let firstEpoch: Int64 = days(year: 1000, month: 1, day: 1) * 86400
    static let lastEpoch: Int64 = days(year: 9999, month: 12, day: 31) * 86400 + 86399
}
