/// A strict JSON parser over UTF-8 bytes (RFC 8259). One document per call; trailing bytes other than white
/// space are an error. Depth is bounded so hostile input cannot exhaust the stack.
public struct JSONParser {
    public static let maxDepth = 64

    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        if let r = try bytes.withContiguousStorageIfAvailable({ try parse(buffer: $0) }) { return r }
        return try Array(bytes).withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var p = JSONParser(buf: buffer)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i != buffer.count { throw JSONError("unexpected data after the JSON value", offset: p.i) }
        return v
    }

    /// Parses one JSON object, keeping only the members named in `keys`: the values of the others are checked
    /// for their structure (brackets, commas, quotes, control characters, literals, numbers) and skipped without
    /// building them; escapes and UTF-8 inside skipped strings are not checked. For readers of the run's own
    /// files (already checked against the manifest's SHA-256) that need a few fields of large records.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>, keeping keys: Set<String>) throws -> JSONValue {
        try parse(buffer: buffer, keeping: JSONKeys(keys))
    }

    /// `parse(buffer:keeping:)` with the names prepared once (`JSONKeys`), for a reader of many lines: a member's
    /// name is compared as bytes, and a String is made only for the names kept.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>, keeping keys: JSONKeys) throws -> JSONValue {
        var p = JSONParser(buf: buffer)
        p.skipSpace()
        let v = try p.object(depth: 0, keeping: keys)
        p.skipSpace()
        if p.i != buffer.count { throw JSONError("unexpected data after the JSON value", offset: p.i) }
        return v
    }

    let buf: UnsafeBufferPointer<UInt8>
    var i = 0

    init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    mutating func skipSpace() {
        while i < buf.count {
            let c = buf[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw JSONError("JSON nested too deeply", offset: i) }
        guard i < buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
        switch buf[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw JSONError("unexpected character in JSON", offset: i)
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
        let p = word.utf8Start
        for k in 0..<n where buf[i + k] != p[k] { throw JSONError("invalid literal in JSON", offset: i) }
        i += n
    }

    private mutating func object(depth: Int, keeping keys: JSONKeys? = nil) throws -> JSONValue {
        guard i < buf.count, buf[i] == UInt8(ascii: "{") else { throw JSONError("expected an object", offset: i) }
        i += 1
        // Room for the fields up front: growing a dictionary rehashes every key at each doubling. A record has
        // about 30 fields; a nested object (an address, a copy) fewer than 8.
        var out = [String: JSONValue](minimumCapacity: keys?.count ?? (depth == 0 ? 32 : 8))
        skipSpace()
        if i < buf.count && buf[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
        while true {
            skipSpace()
            guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw JSONError("expected a key", offset: i) }
            let k: String?
            if let keys {
                // The name as bytes first; only a name with an escape is decoded to be looked up.
                let open = i
                try skipString()
                if let name = keys.name(buf, open + 1..<i - 1) {
                    k = name
                } else {
                    let escaped = UnsafeBufferPointer(rebasing: buf[open + 1..<i - 1]).contains(UInt8(ascii: "\\"))
                    k = escaped ? try decodedName(at: open, in: keys) : nil
                }
            } else {
                k = try string()
            }
            skipSpace()
            guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw JSONError("expected ':'", offset: i) }
            i += 1
            skipSpace()
            if let k {
                out[k] = try value(depth: depth + 1)
            } else {
                try skipValue(depth: depth + 1)
            }
            skipSpace()
            guard i < buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
            throw JSONError("expected ',' or '}'", offset: i)
        }
    }

    /// The name of the member whose quoted name starts at `open` (it has an escape), decoded as `string()` does,
    /// when `keys` has it. The parser's place is left after the name.
    private mutating func decodedName(at open: Int, in keys: JSONKeys) throws -> String? {
        let end = i
        i = open
        let name = try string()
        i = end
        return keys.contains(name) ? name : nil
    }

    /// Moves past one value, checking it as `value` would, without building it.
    mutating func skipValue(depth: Int) throws {
        guard depth < JSONParser.maxDepth else { throw JSONError("JSON nested too deeply", offset: i) }
        guard i < buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
        switch buf[i] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = buf[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpace()
            if i < buf.count && buf[i] == close { i += 1; return }
            while true {
                skipSpace()
                if isObject {
                    guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw JSONError("expected a key", offset: i) }
                    try skipString()
                    skipSpace()
                    guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw JSONError("expected ':'", offset: i) }
                    i += 1
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == close { i += 1; return }
                throw JSONError(isObject ? "expected ',' or '}'" : "expected ',' or ']'", offset: i)
            }
        default:
            _ = try value(depth: depth)  // literals and numbers: small, built and dropped
        }
    }

    /// Moves past a string; escapes and UTF-8 are checked by `string()` only for strings that are kept.
    mutating func skipString() throws {
        let open = i
        i += 1
        skipPlainBytes()
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") { i += 1; return }
            if c < 0x20 { throw JSONError("control character in string", offset: i) }
            i += c == UInt8(ascii: "\\") ? 2 : 1
        }
        throw JSONError("unterminated string", offset: open)
    }

    /// Moves past string content that holds no quote, backslash or control character (the bytes every string loop
    /// stops at), 8-byte words at a time, up to the first such byte of the first word that has one (or to the last
    /// whole word of the buffer), and returns the OR of the bytes passed (its high bit says non-ASCII). The byte
    /// loops go on from where it stopped.
    @discardableResult
    private mutating func skipPlainBytes() -> UInt8 {
        var seen: UInt64 = 0
        guard let base = buf.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        while i + 8 <= buf.count {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let stops = JSONStringWord.stops(w, orDEL: false)
            if stops != 0 {
                // Up to the first byte to stop at (the byte loops start at it).
                let k = JSONStringWord.place(stops)
                seen |= JSONStringWord.below(k, w)
                i += k
                break
            }
            seen |= w
            i += 8
        }
        var folded = seen | (seen >> 32)
        folded |= folded >> 16
        folded |= folded >> 8
        return UInt8(truncatingIfNeeded: folded)
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        i += 1
        var out: [JSONValue] = []
        skipSpace()
        if i < buf.count && buf[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
        while true {
            skipSpace()
            out.append(try value(depth: depth + 1))
            skipSpace()
            guard i < buf.count else { throw JSONError("unexpected end of JSON", offset: i) }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
            throw JSONError("expected ',' or ']'", offset: i)
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        var isInt = true
        if buf[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1; digits += 1 }
        guard digits > 0 else { throw JSONError("invalid number", offset: start) }
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            isInt = false
            i += 1
            var frac = 0
            while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1; frac += 1 }
            guard frac > 0 else { throw JSONError("invalid number", offset: start) }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            isInt = false
            i += 1
            if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            var exp = 0
            while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1; exp += 1 }
            guard exp > 0 else { throw JSONError("invalid number", offset: start) }
        }
        if isInt, digits <= 18 {
            // At most 18 digits cannot overflow an Int: no text to make.
            var v = 0
            for k in (buf[start] == UInt8(ascii: "-") ? start + 1 : start)..<i { v = v &* 10 &+ Int(buf[k] &- 0x30) }
            return .int(buf[start] == UInt8(ascii: "-") ? -v : v)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        if isInt, let v = Int(text) { return .int(v) }
        guard let d = Double(text) else { throw JSONError("invalid number", offset: start) }
        return .double(d)
    }

    mutating func string() throws -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes; all ASCII needs no UTF-8 validation.
        var high = skipPlainBytes()
        while i < buf.count {
            let c = buf[i]
            high |= c
            if c == UInt8(ascii: "\"") {
                let s = high < 0x80 ? String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
                    : try validated(start..<i, open: open)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw JSONError("control character in string", offset: i) }
            i += 1
        }
        var out = [UInt8](UnsafeBufferPointer(rebasing: buf[start..<i]))
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let s = out.withUnsafeBufferPointer(ValidUTF8.string) else {
                    throw JSONError("string is not valid UTF-8", offset: open)
                }
                return s
            }
            if c < 0x20 { throw JSONError("control character in string", offset: i) }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < buf.count else { break }
            let e = buf[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                throw JSONError("invalid escape in string", offset: i - 1)
            }
        }
        throw JSONError("unterminated string", offset: open)
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= buf.count else { throw JSONError("invalid \\u escape", offset: i) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw JSONError("invalid \\u escape", offset: i)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private func validated(_ r: Range<Int>, open: Int) throws -> String {
        guard let s = ValidUTF8.string(UnsafeBufferPointer(rebasing: buf[r])) else {
            throw JSONError("string is not valid UTF-8", offset: open)
        }
        return s
    }
}
