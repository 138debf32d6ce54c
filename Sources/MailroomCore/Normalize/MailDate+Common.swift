/// The date form nearly every message carries, read without tokenizing.
extension MailDate {
    static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The parts of `[ddd,] d[d] mon yyyy hh:mm:ss +hhmm` (lower-cased, comments blanked, any white space
    /// between the parts), or nil for any other text, which `rfcLike` reads. For this form `rfcLike` finds the
    /// same parts: the weekday is neither a month nor a zone, and each other part is one token of its kind.
    static func commonParts(_ b: [UInt8]) -> (year: Int, month: Int, day: Int, time: (Int, Int, Int), offset: Int)? {
        let n = b.count
        var i = 0
        func skipSpace() { while i < n, ByteLines.isSpace(b[i]) { i += 1 } }
        func endsPart() -> Bool { i == n || ByteLines.isSpace(b[i]) }
        func number(_ count: ClosedRange<Int>) -> Int? {
            var v = 0, k = 0
            while i < n, k < count.upperBound, ASCIIBytes.isDigit(b[i]) { v = v * 10 + Int(b[i] - 0x30); i += 1; k += 1 }
            return count.contains(k) ? v : nil
        }
        func word() -> String? {
            guard i + 3 <= n, ASCIIBytes.isLetter(b[i]), ASCIIBytes.isLetter(b[i + 1]), ASCIIBytes.isLetter(b[i + 2]) else { return nil }
            i += 3
            return String(decoding: b[(i - 3)..<i], as: UTF8.self)
        }
        skipSpace()
        if i < n, ASCIIBytes.isLetter(b[i]) {
            guard let w = word(), weekdays.contains(w) else { return nil }
            skipSpace()
            guard i < n, b[i] == 0x2C else { return nil }
            i += 1
            skipSpace()
        }
        guard let day = number(1...2), endsPart() else { return nil }
        skipSpace()
        guard let m = word(), let month = months[m], endsPart() else { return nil }
        skipSpace()
        guard let year = number(4...4), endsPart() else { return nil }
        skipSpace()
        guard let h = number(2...2), i < n, b[i] == 0x3A else { return nil }
        i += 1
        guard let mi = number(2...2), i < n, b[i] == 0x3A else { return nil }
        i += 1
        guard let s = number(2...2), endsPart() else { return nil }
        skipSpace()
        let zoneStart = i
        guard i < n, b[i] == 0x2B || b[i] == 0x2D else { return nil }
        i += 1
        guard number(4...4) != nil, endsPart(), let offset = numericZone(b[zoneStart..<i]) else { return nil }
        skipSpace()
        guard i == n else { return nil }
        return (year, month, day, (h, mi, s), offset)
    }
}
