/// `MessageIDs` over the bytes of all-ASCII text (nearly every real header): the same steps as the general
/// Character-based path, with the same results (in ASCII without CR or LF, each byte is one Character, and the
/// header values hold no CR or LF once unfolded).
extension MessageIDs {
    static func normalizeASCII(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard raw.contains(0x28) else { return normalizeUncommented(raw) }
        return withoutCommentsASCII(raw).withUnsafeBufferPointer { normalizeUncommented($0) }
    }

    static func parseListASCII(_ raw: UnsafeBufferPointer<UInt8>) -> [String] {
        guard raw.contains(0x28) else { return parseListUncommented(raw) }
        return withoutCommentsASCII(raw).withUnsafeBufferPointer { parseListUncommented($0) }
    }

    private static func normalizeUncommented(_ t: UnsafeBufferPointer<UInt8>) -> String? {
        var r = trimmed(t, 0..<t.count)
        if let open = firstIndex(of: 0x3C, in: t, r) {
            let start = open + 1
            r = start..<(firstIndex(of: 0x3E, in: t, start..<r.upperBound) ?? r.upperBound)
        }
        return canonicalASCII(t, r)
    }

    private static func parseListUncommented(_ t: UnsafeBufferPointer<UInt8>) -> [String] {
        var ids = UniqueIDs()
        func add(_ r: Range<Int>) {
            if let id = canonicalASCII(t, r) { ids.append(id) }
        }
        let end = t.count
        if t.contains(0x3C) {
            var pos = 0
            while let open = firstIndex(of: 0x3C, in: t, pos..<end) {
                pos = open + 1
                // The id is closed when a `>` comes before any other `<` (one scan, so a run of `<` stays linear).
                var close = pos
                while close < end, t[close] != 0x3E, t[close] != 0x3C { close += 1 }
                if close < end, t[close] == 0x3E {
                    add(pos..<close)
                    pos = close + 1
                } else {
                    // QUIRK: unterminated id (`<abc@host` at the end or before the next `<`).
                    var k = pos
                    while k < end, !ByteLines.isSpace(t[k]), t[k] != 0x3C, t[k] != 0x2C { k += 1 }
                    add(pos..<k)
                }
            }
        } else {
            // QUIRK: ids written without brackets, separated by white space or commas.
            var k = 0
            while k < end {
                while k < end, ByteLines.isSpace(t[k]) || t[k] == 0x2C { k += 1 }
                let start = k
                while k < end, !ByteLines.isSpace(t[k]), t[k] != 0x2C { k += 1 }
                if start < k, firstIndex(of: 0x40, in: t, start..<k) != nil { add(start..<k) }
            }
        }
        return ids.ids
    }

    /// `canonical` of `t[r]`.
    static func canonicalASCII(_ t: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let r = trimmed(t, range)
        let s = UnsafeBufferPointer(rebasing: t[r])
        guard hasBlankBesideAt(s) else { return canonicalTrimmed(s) }
        // QUIRK: `<9209252113.AA00975@ ebony >`: white space around the `@` is dropped.
        return droppingBlanksBesideAt(s).withUnsafeBufferPointer { canonicalTrimmed($0) }
    }

    /// `s` without every run of spaces and tabs that touches an `@`: what replacing ` @`, `@ `, `\t@` and `@\t`
    /// by `@` until none is left gives, in one pass.
    static func droppingBlanksBesideAt(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var k = 0
        while k < s.count {
            guard s[k] == 0x20 || s[k] == 0x09 else {
                out.append(s[k])
                k += 1
                continue
            }
            var j = k
            while j < s.count, s[j] == 0x20 || s[j] == 0x09 { j += 1 }
            if !((k > 0 && s[k - 1] == 0x40) || (j < s.count && s[j] == 0x40)) { out.append(contentsOf: s[k..<j]) }
            k = j
        }
        return out
    }

    private static func canonicalTrimmed(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        guard let at = s.lastIndex(of: 0x40), at != 0, at + 1 != s.count else { return nil }
        for c in s where c <= 0x20 || c == 0x7F || c == 0x3C || c == 0x3E { return nil }
        return String(unsafeUninitializedCapacity: s.count) { out in
            for k in 0...at { out[k] = s[k] }
            for k in (at + 1)..<s.count { out[k] = ByteLines.lowerASCII(s[k]) }
            return s.count
        }
    }

    static func hasBlankBesideAt(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var prev: UInt8 = 0
        for c in s {
            if c == 0x40, prev == 0x20 || prev == 0x09 { return true }
            if prev == 0x40, c == 0x20 || c == 0x09 { return true }
            prev = c
        }
        return false
    }

    /// `withoutComments` over ASCII bytes.
    static func withoutCommentsASCII(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var depth = 0, inAngle = false, inQuote = false
        for c in raw {
            if depth == 0 {
                if c == 0x22 && !inAngle { inQuote.toggle() }
                if c == 0x3C && !inQuote { inAngle = true }
                if c == 0x3E { inAngle = false }
                if c == 0x28 && !inAngle && !inQuote { depth = 1; out.append(0x20); continue }
                out.append(c)
            } else if c == 0x28 {
                depth += 1
            } else if c == 0x29 {
                depth -= 1
            }
        }
        return out
    }

    private static func trimmed(_ t: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, ByteLines.isSpace(t[lo]) { lo += 1 }
        while hi > lo, ByteLines.isSpace(t[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    private static func firstIndex(of c: UInt8, in t: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        var k = r.lowerBound
        while k < r.upperBound {
            if t[k] == c { return k }
            k += 1
        }
        return nil
    }

    /// Ids in first-seen order without repeats; a set only for long lists.
    private struct UniqueIDs {
        var ids: [String] = []
        var seen: Set<String>?

        mutating func append(_ id: String) {
            if ids.count < 16 {
                if !ids.contains(id) { ids.append(id) }
                return
            }
            if seen == nil { seen = Set(ids) }
            if seen!.insert(id).inserted { ids.append(id) }
        }
    }
}
