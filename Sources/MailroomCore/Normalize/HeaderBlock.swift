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
        for f in fields where Self.same(f.name, name) { return f.value }
        return nil
    }

    /// Raw values of every field with that (lower-case) name, in order.
    func all(_ name: String) -> [[UInt8]] {
        fields.lazy.filter { Self.same($0.name, name) }.map(\.value)
    }

    func has(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }

    /// `a == b`, with names of other lengths (most fields, for each name looked up) told apart without a call into
    /// the string comparison. `==` is canonical equivalence, which can join texts of different UTF-8 lengths,
    /// but names looked up are lower-case ASCII letters and `-`, which no other text is equivalent to (the
    /// only non-ASCII scalars equivalent to ASCII are the Kelvin sign, `;` and `` ` `` look-alikes).
    @inline(__always) static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a == b
    }
}
