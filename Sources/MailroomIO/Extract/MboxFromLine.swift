import MailroomCore

/// Recognises mbox From_ lines (the envelope line before each message) and reads their dates.
///
/// Which `From ` lines separate messages is a judgement call: mboxo writers leave `From ` lines that are not
/// after a blank line unquoted, Netscape writes `From - ` with or without a date right after the previous
/// message's last line, and bodies hold unquoted text such as `From Russia with love`. The rule here:
/// - **strong**: `From -` (Netscape/Mozilla), or a sender followed by an asctime-like date (a month name, a day,
///   a `hh:mm[:ss]` time and a four-digit year, as mutt's `is_from` wants). A separator wherever it starts a
///   line.
/// - **weak**: a sender containing `@` but no readable date (`From 1844347792267117879@xxx`, Gmail exports with
///   the date cut off). A separator only at the start of the file or after a blank line.
/// - **none**: anything else (`From Russia with love`, `From here on...`): body text.
enum MboxFromLine {
    enum Kind: Equatable { case none, weak, strong }

    static let prefix: [UInt8] = Array("From ".utf8)

    /// Whether the line starts with `From `.
    static func hasPrefix(_ line: some Collection<UInt8>) -> Bool {
        line.starts(with: prefix)
    }

    static func classify(_ line: [UInt8]) -> Kind { classifyDated(line).kind }

    /// The kind of the line and, when it has one, its date (`epochSeconds`), read once.
    static func classifyDated(_ line: [UInt8]) -> (kind: Kind, epoch: Int64?) {
        guard hasPrefix(line) else { return (.none, nil) }
        var rest = line[5...]
        while let f = rest.first, isSpace(f) { rest = rest.dropFirst() }
        while let l = rest.last, isSpace(l) { rest = rest.dropLast() }
        guard let first = rest.first else { return (.none, nil) }
        let epoch = epochSeconds(line)
        if first == UInt8(ascii: "-"), rest.count == 1 || isSpace(rest[rest.startIndex + 1]) { return (.strong, epoch) }
        if epoch != nil { return (.strong, epoch) }
        let sender = rest.prefix { !isSpace($0) }
        return (sender.contains(UInt8(ascii: "@")) ? .weak : .none, nil)
    }

    /// Whether the line is a quoted From line (`>From `, `>>From `, ...): mboxrd/mboxo body text.
    static func isQuoted(_ line: some Collection<UInt8>) -> Bool {
        var i = line.startIndex
        var quotes = 0
        while i != line.endIndex, line[i] == UInt8(ascii: ">") {
            quotes += 1
            i = line.index(after: i)
        }
        return quotes > 0 && line[i...].starts(with: prefix)
    }

    /// The date of a From_ line (`From sender Mon Jun  3 12:50:27 1996`, also with a `+hhmm` zone and in the
    /// RFC 5322 order some tools write), as epoch seconds; UTC unless a numeric zone is given. Nil when the line
    /// has no complete date.
    static func epochSeconds(_ line: [UInt8]) -> Int64? {
        guard hasPrefix(line) else { return nil }
        let tokens = line[5...].split(whereSeparator: { isSpace($0) || $0 == UInt8(ascii: ",") })
        guard tokens.count >= 2 else { return nil }
        var month: Int?, day: Int?, year: Int?, time: (Int, Int, Int)?, zone = 0
        for t in tokens.dropFirst() {  // the first token is the sender
            if month == nil, t.count >= 3, let m = monthNumber(t.prefix(3)) {
                month = m
            } else if time == nil, t.contains(UInt8(ascii: ":")), let hms = parseTime(t) {
                time = hms
            } else if let n = number(t) {
                if t.count == 4, year == nil {
                    year = n
                } else if t.count <= 2, day == nil, (1...31).contains(n) {
                    day = n
                }
            } else if t.count == 5, t.first == UInt8(ascii: "+") || t.first == UInt8(ascii: "-"),
                      let z = number(t.dropFirst()) {
                let sign = t.first == UInt8(ascii: "-") ? -1 : 1
                zone = sign * ((z / 100) * 3600 + (z % 100) * 60)
            }
        }
        guard let month, let day, let year, let time, (1900...2999).contains(year) else { return nil }
        let days = DateWindow.epochDays(year: year, month: month, day: day)
        return days * 86_400 + Int64(time.0 * 3600 + time.1 * 60 + time.2 - zone)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    private static func number(_ s: some Collection<UInt8>) -> Int? {
        guard !s.isEmpty, s.count <= 9 else { return nil }
        var v = 0
        for c in s {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    private static func parseTime(_ t: some Collection<UInt8>) -> (Int, Int, Int)? {
        let parts = t.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              let h = number(parts[0]), let m = number(parts[1]), h < 24, m < 60 else { return nil }
        var s = 0
        if parts.count == 3 {
            guard let v = number(parts[2]), v <= 60 else { return nil }
            s = v
        }
        return (h, m, s)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }

    private static func monthNumber(_ s: some Collection<UInt8>) -> Int? {
        let lower = s.map { $0 | 0x20 }
        return months.firstIndex(of: lower).map { $0 + 1 }
    }
}
