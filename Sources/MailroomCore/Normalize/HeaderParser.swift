/// Splits an entity's bytes into header fields and body. Tolerant: mixed line endings, lines without a colon,
/// a leading mbox `From ` line, folded values, limits on bytes and fields.
enum HeaderParser {
    /// Parses the header section of `b[range]`.
    /// - Parameters:
    ///   - topLevel: a whole message: skips a UTF-8 BOM, leading blank lines and an mbox `From ` envelope line.
    ///   - maxBytes, maxFields: fields (and folded continuations) beyond these are skipped and `limitHit` is set;
    ///     the body start is still found.
    static func parse(_ b: UnsafeRawBufferPointer, range: Range<Int>, topLevel: Bool,
                      maxBytes: Int = .max, maxFields: Int = .max) -> HeaderBlock {
        var h = HeaderBlock()
        let end = range.upperBound
        var i = range.lowerBound
        var lineNo = 1
        if topLevel {
            if ByteLines.hasPrefix(b, at: i, end: end, [0xEF, 0xBB, 0xBF]) { i += 3 }
            // QUIRK: some exports start with blank lines before the header.
            while i < end, b[i] == ByteLines.lf || b[i] == ByteLines.cr {
                let l = ByteLines.line(b, from: i, end: end)
                guard l.contentEnd == i else { break }
                i = l.next
                lineNo += 1
            }
            if isEnvelopeLine(b, at: i, end: end) {
                i = ByteLines.line(b, from: i, end: end).next
                lineNo += 1
            }
        }
        h.start = i
        // Bytes counted with every line ending as one byte, so LF and CRLF copies hit the limit at the same field.
        var used = 0
        var current: HeaderField?
        var currentStopped = false  // the current field is beyond the limits: drop its continuations
        var first = true

        func flush() {
            if let c = current, !currentStopped {
                var f = c
                trimValue(&f.value)
                h.fields.append(f)
            }
            current = nil
        }

        while i < end {
            let (contentEnd, next) = ByteLines.line(b, from: i, end: end)
            if contentEnd == i {  // blank line: end of the header section
                flush()
                h.bodyStart = next
                return h
            }
            used += contentEnd - i + 1
            let overLimit = used > maxBytes
            var fieldStart = i
            if first, topLevel, ByteLines.isWSP(b[i]) {
                // QUIRK: a message whose first field line is indented (` From: ...`): read it as a field.
                while fieldStart < contentEnd, ByteLines.isWSP(b[fieldStart]) { fieldStart += 1 }
                if fieldColon(b, fieldStart, contentEnd) != nil { h.malformed = true } else { fieldStart = i }
            }
            if ByteLines.isWSP(b[fieldStart]) {
                if current != nil {
                    if overLimit {
                        h.limitHit = true  // the field keeps what fit
                    } else if !currentStopped {
                        current!.value.append(contentsOf: ByteLines.slice(b, i..<contentEnd))
                    }
                } else if first {
                    // A message or part whose first line is indented has no header section.
                    h.bodyStart = i
                    return h
                } else {
                    h.malformed = true
                }
            } else if let colon = fieldColon(b, fieldStart, contentEnd) {
                flush()
                if overLimit || h.fields.count >= maxFields {
                    h.limitHit = true
                    currentStopped = true
                } else {
                    currentStopped = false
                }
                h.hasFields = true
                // The name is printable ASCII (`fieldColon` stops at anything else), so its bytes are its text.
                var nameEnd = fieldStart
                while nameEnd < colon, !ByteLines.isWSP(b[nameEnd]) { nameEnd += 1 }
                let name = String(unsafeUninitializedCapacity: nameEnd - fieldStart) { out in
                    for k in fieldStart..<nameEnd { out[k - fieldStart] = ByteLines.lowerASCII(b[k]) }
                    return nameEnd - fieldStart
                }
                var vs = colon + 1
                while vs < contentEnd, ByteLines.isWSP(b[vs]) { vs += 1 }
                current = HeaderField(name: name, value: Array(ByteLines.slice(b, vs..<contentEnd)))
                if currentStopped { current = HeaderField(name: name, value: []) }
            } else {
                // Not a field. When the next line is a field, this is a stray line inside the header; otherwise the
                // blank separator line is missing and the body starts here.
                h.malformed = true
                if h.firstBadLine == nil { h.firstBadLine = (lineNo, i) }
                let after = ByteLines.line(b, from: next, end: end)
                // QUIRK: at the top this also skips a first line such as `Microsoft Mail Internet Headers Version 2.0`;
                // a MIME part whose first line is not a field has no header.
                if (first && !topLevel) || next >= end || after.contentEnd == next || fieldColon(b, next, after.contentEnd) == nil {
                    flush()
                    h.bodyStart = i
                    return h
                }
            }
            first = false
            i = next
            lineNo += 1
        }
        flush()
        h.bodyStart = end
        return h
    }

    /// An mbox envelope line (`From sender date`, or `>From ` when escaped) as opposed to an obsolete `From : x`
    /// header field.
    static func isEnvelopeLine(_ b: UnsafeRawBufferPointer, at i: Int, end: Int) -> Bool {
        guard ByteLines.hasPrefix(b, at: i, end: end, Array("From ".utf8))
            || ByteLines.hasPrefix(b, at: i, end: end, Array(">From ".utf8)) else { return false }
        let line = ByteLines.line(b, from: i, end: end)
        return fieldColon(b, i, line.contentEnd) == nil
    }

    /// The colon of a field line `name: value` (name of printable ASCII, optionally followed by white space), or nil.
    static func fieldColon(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var k = start
        while k < end {
            let c = b[k]
            if c == 0x3A { break }
            if c <= 0x20 || c >= 0x7F {
                // QUIRK: RFC 822 obs-optional allows white space between the name and the colon.
                guard k > start, ByteLines.isWSP(c) else { return nil }
                var j = k
                while j < end, ByteLines.isWSP(b[j]) { j += 1 }
                return j < end && b[j] == 0x3A ? j : nil
            }
            k += 1
        }
        return k < end && k > start ? k : nil
    }

    static func trimValue(_ v: inout [UInt8]) {
        while let l = v.last, ByteLines.isSpace(l) { v.removeLast() }
        var s = 0
        while s < v.count, ByteLines.isSpace(v[s]) { s += 1 }
        if s > 0 { v.removeFirst(s) }
    }
}
