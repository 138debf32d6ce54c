/// Message dates in 8 bytes each. A date in the stage's fixed ISO form `YYYY-MM-DDTHH:MM:SSZ` is packed as the
/// number its 14 digits spell, which orders exactly as the strings do; any other string is kept in a table and
/// named by a negative code. `compare` agrees with `<` on the strings in every case.
struct DateTable: Sendable {
    /// The code of a missing date.
    static let none: Int64 = -1

    private var others = StringTable()

    init() {}

    mutating func code(_ date: String?) -> Int64 {
        guard var date else { return Self.none }
        if let packed = date.withUTF8(Self.pack) { return packed }
        return -2 - Int64(others.intern(date))
    }

    /// The code `code(_:)` gives `date` when the table already names it, without adding it; `none` otherwise.
    func knownCode(_ date: String?) -> Int64 {
        guard var date else { return Self.none }
        if let packed = date.withUTF8(Self.pack) { return packed }
        return others.find(date).map { -2 - Int64($0) } ?? Self.none
    }

    func string(_ code: Int64) -> String? {
        if code == Self.none { return nil }
        if code < 0 { return others.string(Int32(-2 - code)) }
        var digits = code
        var out = [UInt8](repeating: 0, count: 20)
        for i in stride(from: 18, through: 0, by: -1) where Self.digitPositions[i] {
            out[i] = UInt8(truncatingIfNeeded: 0x30 + digits % 10)
            digits /= 10
        }
        for (i, c) in Self.separators { out[i] = c }
        return String(decoding: out, as: UTF8.self)
    }

    /// The order of the date strings (both present): negative, zero or positive.
    func compare(_ a: Int64, _ b: Int64) -> Int {
        if a >= 0, b >= 0 { return a == b ? 0 : (a < b ? -1 : 1) }
        if a < -1, b < -1 { return others.compare(Int32(-2 - a), Int32(-2 - b)) }
        // One packed (ASCII digits), one other: never equal; `String` order decides.
        return string(a)! < string(b)! ? -1 : 1
    }

    /// Seconds since 1970-01-01T00:00:00Z of a packed date; nil for a missing date or one kept as a string.
    func seconds(_ code: Int64) -> Int64? {
        guard code >= 0 else { return nil }
        let second = code % 100, minute = code / 100 % 100, hour = code / 10_000 % 100
        let day = code / 1_000_000 % 100, month = code / 100_000_000 % 100, year = code / 10_000_000_000
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        return MailDate.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    private static let separators: [(Int, UInt8)] = [(4, 0x2D), (7, 0x2D), (10, 0x54), (13, 0x3A), (16, 0x3A), (19, 0x5A)]
    private static let digitPositions: [Bool] = (0..<20).map { i in !separators.contains { $0.0 == i } }

    private static func pack(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 20 else { return nil }
        for (i, c) in separators where b[i] != c { return nil }
        var value: Int64 = 0
        for i in 0..<19 where digitPositions[i] {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
        }
        return value
    }
}
