extension MailDate {
    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
        "nov": 11, "dec": 12,
        // QUIRK: German and French month abbreviations written by localized clients.
        "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "fev": 2, "avr": 4, "jui": 7, "aou": 8,
    ]

    /// Named zones in seconds east of UTC. RFC 5322 §4.3 obsolete zones plus common abbreviations.
    static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0,
        "est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
        "mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
        "akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600, "ast": -4 * 3600, "adt": -3 * 3600,
        "cet": 3600, "cest": 7200, "met": 3600, "mest": 7200, "mez": 3600, "mesz": 7200, "west": 3600,
        "bst": 3600, "eet": 7200, "eest": 10800, "msk": 10800, "jst": 9 * 3600, "kst": 9 * 3600,
        "hkt": 8 * 3600, "sgt": 8 * 3600, "aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600,
        "nzdt": 13 * 3600,
    ]

    /// `2024-03-05T10:22:01Z`, `2024-03-05 10:22 +0100`, `2024/03/05 10:22:01.5+01:00` (lower-cased bytes).
    static func isoLike(_ b: [UInt8]) -> Int64? {
        var i = 0
        func number(maxDigits: Int) -> Int? {
            var v = 0, n = 0
            while i < b.count, n < maxDigits, ASCIIBytes.isDigit(b[i]) { v = v * 10 + Int(b[i] - 0x30); i += 1; n += 1 }
            return n > 0 ? v : nil
        }
        func skipSpaces() { while i < b.count, ByteLines.isSpace(b[i]) { i += 1 } }
        skipSpaces()
        guard let y = number(maxDigits: 4), i < b.count, b[i] == 0x2D || b[i] == 0x2F else { return nil }
        let sep = b[i]; i += 1
        guard let mo = number(maxDigits: 2), i < b.count, b[i] == sep else { return nil }
        i += 1
        guard let d = number(maxDigits: 2) else { return nil }
        var h = 0, mi = 0, s = 0, offset = 0
        if i < b.count, b[i] == 0x74 || b[i] == 0x20 || b[i] == 0x09 {  // 't' or space
            i += 1
            skipSpaces()
            if let hh = number(maxDigits: 2) {
                h = hh
                guard i < b.count, b[i] == 0x3A else { return nil }
                i += 1
                guard let mm = number(maxDigits: 2) else { return nil }
                mi = mm
                if i < b.count, b[i] == 0x3A {
                    i += 1
                    guard let ss = number(maxDigits: 2) else { return nil }
                    s = ss
                }
                if i < b.count, b[i] == 0x2E || b[i] == 0x2C { i += 1; _ = number(maxDigits: 12) }
                skipSpaces()
                if i < b.count {
                    let rest = Array(b[i...])
                    if let z = numericZone(rest.prefix { !ByteLines.isSpace($0) }) {
                        offset = z
                    } else {
                        let word = String(decoding: rest.prefix { ASCIIBytes.isLetter($0) }, as: UTF8.self)
                        offset = zones[word] ?? 0
                    }
                }
            }
        }
        return epoch(y, mo, d, h, mi, s, offset: offset)
    }

    /// `+0100`, `-05:00`, `+01`, `+100`: seconds east of UTC.
    static func numericZone(_ t: some Collection<UInt8>) -> Int? {
        guard let f = t.first, f == 0x2B || f == 0x2D else { return nil }
        let digits = t.dropFirst().filter { $0 != 0x3A }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(ASCIIBytes.isDigit),
              t.dropFirst().allSatisfy({ ASCIIBytes.isDigit($0) || $0 == 0x3A }) else { return nil }
        let v = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let (h, m) = digits.count <= 2 ? (v, 0) : (v / 100, v % 100)
        guard h <= 23, m < 60 else { return nil }
        return (f == 0x2D ? -1 : 1) * (h * 3600 + m * 60)
    }

    /// Token-driven reading of RFC 5322 and its relatives (lower-cased, comments removed).
    static func rfcLike(_ b: [UInt8]) -> Int64? {
        var year: Int?, month: Int?, day: Int?, time: (Int, Int, Int)?
        var numZone: Int?, namedZone: Int?, pm: Bool?
        for token in tokens(b) {
            if let z = numericZone(token), time != nil || year != nil {
                if numZone == nil { numZone = z }
            } else if token.contains(0x3A) {
                if time == nil { time = clock(token) }
            } else if token.allSatisfy(ASCIIBytes.isDigit) {
                let v = token.prefix(6).reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if token.count >= 3 {
                    if year == nil { year = token.count == 3 ? 1900 + v : v }
                } else if day == nil {
                    day = v
                } else if year == nil {
                    year = v < 50 ? 2000 + v : 1900 + v  // RFC 5322 §4.3
                }
            } else if token.allSatisfy(ASCIIBytes.isLetter) {
                let word = String(decoding: token, as: UTF8.self)
                if month == nil, word.count >= 3, let m = months[String(word.prefix(3))] {
                    month = m
                } else if let z = zones[word] {
                    if namedZone == nil { namedZone = z }
                } else if word == "pm" || word == "am" {
                    pm = word == "pm"
                } else if word.count == 1, word != "j" {
                    if namedZone == nil { namedZone = 0 }  // military zones: RFC 5322 says treat as -0000
                }
            }
        }
        guard let y = year, let mo = month, let d = day else { return nil }
        var (h, mi, s) = time ?? (0, 0, 0)
        if let pm {
            if pm && h < 12 { h += 12 } else if !pm && h == 12 { h = 0 }
        }
        return epoch(y, mo, d, h, mi, s, offset: numZone ?? namedZone ?? 0)
    }

    /// `10:22`, `10:22:01`, `10:22:01.250`.
    static func clock(_ t: [UInt8]) -> (Int, Int, Int)? {
        var main = t
        if let dot = t.firstIndex(where: { $0 == 0x2E || $0 == 0x2C }) { main = Array(t[..<dot]) }
        let parts = main.split(separator: 0x3A, omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(ASCIIBytes.isDigit) }) else { return nil }
        let v = parts.map { $0.reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return (v[0], v[1], v.count == 3 ? v[2] : 0)
    }

    /// Splits on white space and commas, then separates glued pieces: `5-mar-2024`, `10:22:01+0100`,
    /// `gmt+0100`, `05.03.2024`, `mon.`.
    static func tokens(_ b: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for raw in b.split(whereSeparator: { ByteLines.isSpace($0) || $0 == 0x2C }) {
            var t = Array(raw)
            while let l = t.last, l == 0x2E { t.removeLast() }
            guard !t.isEmpty else { continue }
            // dd.mm.yyyy, yyyy-mm-dd and dd-mm-yyyy
            let dotted = t.split(separator: 0x2E)
            if dotted.count == 3, dotted.allSatisfy({ $0.allSatisfy(ASCIIBytes.isDigit) }), dotted[2].count == 4 {
                out.append(Array(dotted[0])); out.append(monthToken(dotted[1])); out.append(Array(dotted[2]))
                continue
            }
            let dashed = t.split(separator: 0x2D)
            if t.first != 0x2D, dashed.count == 3, dashed.allSatisfy({ !$0.isEmpty && $0.allSatisfy(ASCIIBytes.isDigit) }),
               dashed[0].count == 4 || dashed[2].count == 4
            {
                let (d, y) = dashed[0].count == 4 ? (dashed[2], dashed[0]) : (dashed[0], dashed[2])
                out.append(Array(d)); out.append(monthToken(dashed[1])); out.append(Array(y))
                continue
            }
            // Separate glued pieces: letters from digits, a zone sign from what precedes it, date dashes.
            var piece: [UInt8] = []
            func flush() {
                if !piece.isEmpty, piece != [0x2B], piece != [0x2D] { out.append(piece) }
                piece = []
            }
            for (k, c) in t.enumerated() {
                if c == 0x2B { flush(); piece = [c]; continue }
                if c == 0x2D {
                    let next: UInt8? = k + 1 < t.count ? t[k + 1] : nil
                    let afterMonth = !piece.isEmpty && piece.allSatisfy(ASCIIBytes.isLetter)
                        && months[String(decoding: piece.prefix(3), as: UTF8.self)] != nil
                    flush()
                    if let n = next, ASCIIBytes.isDigit(n), !afterMonth, k == 0 || !ASCIIBytes.isDigit(t[k - 1]) || t.contains(0x3A) {
                        piece = [c]  // a zone offset: `-0500`, `10:22-0500`, `gmt-5`
                    }
                    continue
                }
                if let l = piece.last, l != 0x2B, l != 0x2D, ASCIIBytes.isLetter(c) != ASCIIBytes.isLetter(l) { flush() }
                piece.append(c)
            }
            flush()
        }
        return out
    }

    /// A numeric month as a month-name token, so the token grammar reads it as the month.
    private static func monthToken(_ digits: some Collection<UInt8>) -> [UInt8] {
        guard digits.count <= 2 else { return [0x3F] }
        let v = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return (1...12).contains(v) ? Array(names[v - 1].utf8) : [0x3F]
    }
}
