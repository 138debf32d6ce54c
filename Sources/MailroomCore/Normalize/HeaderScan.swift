/// Fast header look-ups on raw message bytes, without a full parse (extract uses them for the backfill window).
public enum HeaderScan {
    /// Byte length of the header section (up to and including the blank line, LF or CRLF), or the whole buffer.
    /// An mbox `From ` envelope line at the start counts as part of it.
    public static func headerLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        HeaderParser.parse(bytes, range: 0..<bytes.count, topLevel: true).bodyStart
    }

    /// Unfolded raw value of the first field with that name (case-insensitive), nil if absent. Leading and trailing
    /// white space is removed; folding line breaks are removed and the white space after them kept.
    public static func firstField(_ name: String, in bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let want = Array(name.utf8).map(ByteLines.lowerASCII)
        let end = bytes.count
        var i = 0
        if ByteLines.hasPrefix(bytes, at: i, end: end, [0xEF, 0xBB, 0xBF]) { i += 3 }
        if HeaderParser.isEnvelopeLine(bytes, at: i, end: end) {
            i = ByteLines.line(bytes, from: i, end: end).next
        }
        var value: [UInt8]?
        while i < end {
            let (contentEnd, next) = ByteLines.line(bytes, from: i, end: end)
            if contentEnd == i { break }
            if ByteLines.isWSP(bytes[i]) {
                if value != nil { value!.append(contentsOf: ByteLines.slice(bytes, i..<contentEnd)) }
            } else if value != nil {
                break
            } else if let colon = HeaderParser.fieldColon(bytes, i, contentEnd) {
                var nameEnd = colon
                while nameEnd > i, ByteLines.isWSP(bytes[nameEnd - 1]) { nameEnd -= 1 }
                if nameEnd - i == want.count, ByteLines.hasPrefix(bytes, at: i, end: nameEnd, want, caseless: true) {
                    value = Array(ByteLines.slice(bytes, (colon + 1)..<contentEnd))
                }
            }
            i = next
        }
        guard var v = value else { return nil }
        HeaderParser.trimValue(&v)
        return v
    }

    /// The Date header as ISO 8601 UTC, nil when missing or unparseable.
    public static func isoDate(in bytes: UnsafeRawBufferPointer) -> String? {
        guard let raw = firstField("Date", in: bytes) else { return nil }
        return MailDate.parse(HeaderText.string(raw)).map(MailDate.iso)
    }
}
