/// PostgreSQL's `COPY … FROM STDIN` text format: one line per row, columns separated by a tab, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped as `\\`, `\t`, `\n`, `\r`. Values are normalized by
/// `StoreText` first (no NUL reaches the server).
public enum PostgresCopy {
    /// Rows encoded as one COPY payload, in the bytewise order of their lines. Where the first fields of a row are
    /// a unique key, two lines differ first within those fields (an encoded field holds no tab), so the lines
    /// are in one order of the keys whoever encodes them (not quite `COLLATE "C"`'s: a tab sorts after bytes
    /// below it, and escapes count as their two bytes).
    public static func encodeSorted(_ rows: [[String?]]) -> [UInt8] {
        let lines = encodeLines(rows)
        var out: [UInt8] = []
        out.reserveCapacity(lines.bytes.count)
        for i in byteOrder(lines.bytes, lines.ends) {
            out.append(contentsOf: lines.bytes[(i == 0 ? 0 : lines.ends[i - 1])..<lines.ends[i]])
        }
        return out
    }

    /// Rows encoded as lines one after another; row `i` ends at `ends[i]`.
    public static func encodeLines(_ rows: [[String?]]) -> (bytes: [UInt8], ends: [Int]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 64)
        var ends: [Int] = []
        ends.reserveCapacity(rows.count)
        for r in rows {
            appendRow(r, to: &bytes)
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }

    /// The indexes of the rows of `encodeLines` (or any bytes cut at `ends`) in the bytewise order of their bytes
    /// (a prefix first).
    public static func byteOrder(_ bytes: [UInt8], _ ends: [Int]) -> [Int] {
        bytes.withUnsafeBufferPointer { b -> [Int] in
            guard let base = b.baseAddress else { return Array(ends.indices) }
            return ends.indices.sorted { i, j in
                let si = i == 0 ? 0 : ends[i - 1], sj = j == 0 ? 0 : ends[j - 1]
                let li = ends[i] - si, lj = ends[j] - sj
                let a = base + si, b = base + sj
                for k in 0..<min(li, lj) where a[k] != b[k] { return a[k] < b[k] }
                return li < lj
            }
        }
    }

    /// The lines (cut at `ends`) grouped by their first field, in the bytewise order of the lines: each group's
    /// first field with its tab, and its lines. Lines with the same first field start with the same bytes up to
    /// that tab (an encoded field holds none), so they are next to each other in that order.
    public static func runsOfFirstField(_ bytes: [UInt8], _ ends: [Int]) -> [(field: ArraySlice<UInt8>, lines: [Int])] {
        func start(_ i: Int) -> Int { i == 0 ? 0 : ends[i - 1] }
        func head(_ i: Int) -> ArraySlice<UInt8> {
            let line = bytes[start(i)..<ends[i]]
            return line[..<((line.firstIndex(of: 0x09) ?? line.endIndex - 1) + 1)]
        }
        var runs: [(field: ArraySlice<UInt8>, lines: [Int])] = []
        for i in byteOrder(bytes, ends) {
            let h = head(i)
            if let last = runs.last, last.field.elementsEqual(h) {
                runs[runs.count - 1].lines.append(i)
            } else {
                runs.append((h, [i]))
            }
        }
        return runs
    }

    /// Appends one row (`nil` is NULL) and its line end.
    public static func appendRow(_ fields: [String?], to out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x09) }
            appendField(f, to: &out)
        }
        out.append(0x0A)
    }

    /// Appends one escaped value (`\N` for NULL).
    public static func appendField(_ field: String?, to out: inout [UInt8]) {
        guard let field else {
            out.append(0x5C); out.append(0x4E)
            return
        }
        let plain = field.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for b in bytes where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x00 { return false }
            out.append(contentsOf: bytes)  // nothing to escape: the common case, in one copy
            return true
        }
        if plain == true { return }
        for b in field.utf8 {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x00: out.append(contentsOf: [0xEF, 0xBF, 0xBD]) // StoreText: NUL becomes U+FFFD
            default: out.append(b)
            }
        }
    }
}
