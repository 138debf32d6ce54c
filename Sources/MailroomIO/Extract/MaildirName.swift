/// What a Maildir file name says: `<unique>[<sep>2,<flags>]`, where `<sep>` is `:` (the standard), `!` (mu and
/// other tools on file systems without `:`) or `;` (mbsync on Windows).
struct MaildirName: Equatable {
    /// The name without the info part: the copy's stable key (flags change, the unique part does not).
    var unique: String
    /// Standard flag letters as names, in the order seen, replied, flagged, draft, trashed, passed. Lower-case
    /// letters (IMAP keywords some servers add) are not flags.
    var flags: [String]
    /// The delivery time of names that start with epoch seconds (`1220863087.12663_23.host`,
    /// `1252168370_3.14675.host`), else nil.
    var deliveryEpoch: Int64?

    private static let flagNames: [(UInt8, String)] = [
        (UInt8(ascii: "S"), "seen"), (UInt8(ascii: "R"), "replied"), (UInt8(ascii: "F"), "flagged"),
        (UInt8(ascii: "D"), "draft"), (UInt8(ascii: "T"), "trashed"), (UInt8(ascii: "P"), "passed"),
    ]

    init(_ name: String) {
        let b = Array(name.utf8)
        if let s = Self.infoStart(b) {
            unique = String(decoding: b[..<s], as: UTF8.self)
            let letters = b[s + 1] == UInt8(ascii: "2") ? Set(b[(s + 3)...]) : []
            flags = Self.flagNames.filter { letters.contains($0.0) }.map(\.1)
        } else {
            unique = name
            flags = []
        }
        deliveryEpoch = Self.leadingEpoch(Array(unique.utf8))
    }

    /// Where the info part (`<sep>2,…` or `<sep>1,…`) starts in a name's bytes, or nil: the unique part is the
    /// bytes before it.
    static func infoStart<C: RandomAccessCollection>(_ b: C) -> Int? where C.Element == UInt8, C.Index == Int {
        let o = b.startIndex
        var i = b.count - 3
        while i >= 1 {
            if b[o + i] == UInt8(ascii: ":") || b[o + i] == UInt8(ascii: "!") || b[o + i] == UInt8(ascii: ";"),
               b[o + i + 1] == UInt8(ascii: "2") || b[o + i + 1] == UInt8(ascii: "1"),
               b[o + i + 2] == UInt8(ascii: ",") {
                return i
            }
            i -= 1
        }
        return nil
    }

    private static func leadingEpoch(_ b: [UInt8]) -> Int64? {
        var v: Int64 = 0
        var n = 0
        while n < b.count, b[n] >= 0x30, b[n] <= 0x39 {
            v = v * 10 + Int64(b[n] - 0x30)
            n += 1
            if n > 10 { return nil }
        }
        guard n >= 9, n == b.count || b[n] == UInt8(ascii: ".") || b[n] == UInt8(ascii: "_") else { return nil }
        return v
    }
}
