/// One header field of an entity: lower-cased name and the raw value, unfolded (line breaks before folding white
/// space removed), leading and trailing white space removed. Bytes: the value's charset is decided later.
struct HeaderField: Sendable {
    var name: String
    var value: [UInt8]
}

/// The parsed header section of a message or MIME part.
struct HeaderBlock: Sendable {
    var fields: [HeaderField] = []
    /// Offset of the first byte of the header section's first field line (after an mbox `From ` line).
    var start = 0
    /// Offset of the first body byte (just after the blank line), or the end of the entity.
    var bodyStart = 0
    /// At least one header field line was read (a message must have one).
    var hasFields = false
    /// Lines that were neither fields nor continuations.
    var malformed = false
    /// Fields or bytes beyond the limits were skipped.
    var limitHit = false
    /// 1-based line number and offset of the first line that was not a header field, for quarantine details.
    var firstBadLine: (line: Int, offset: Int)?

    /// Raw value of the first field with that (lower-case) name.
    func first(_ name: String) -> [UInt8]? {
        for f in fields where f.name == name { return f.value }
        return nil
    }

    /// Raw values of every field with that (lower-case) name, in order.
    func all(_ name: String) -> [[UInt8]] {
        fields.lazy.filter { $0.name == name }.map(\.value)
    }

    func has(_ name: String) -> Bool { fields.contains { $0.name == name } }
}
