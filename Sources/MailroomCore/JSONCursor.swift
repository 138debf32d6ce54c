/// A pull reader of one JSON document over its bytes, for records read many times over (`JSONCursorRecord`): a
/// record walks its object member by member and builds only its own fields, with no `JSONValue` tree and no
/// dictionary per object. Its checks are `JSONParser`'s (strings, escapes and UTF-8 of what is read, the structure
/// of what is skipped, depth), and a record names a missing or mistyped field as `JSONObject` does. Two
/// differences, on lines Mailroom never writes (its files are checked against the manifest's SHA-256 first): the
/// members a record does not read are skipped inside the objects it reads too, so their strings' escapes and UTF-8
/// are not checked; and a member named twice is read each time, so a mistyped first one is refused where
/// `JSONParser` keeps the last. The fuzz target `json` checks that a line both accept reads the same.
public struct JSONCursor {
    var p: JSONParser
    private var depth = 0
    /// Just after `{` or `[`: the next member or element has no comma before it.
    private var atOpen = false

    public init(_ buffer: UnsafeBufferPointer<UInt8>) {
        p = JSONParser(buf: buffer)
        p.skipSpace()
    }

    /// A member's name as its raw bytes (decoded when it has an escape), matched against literal names.
    public struct Key {
        let bytes: UnsafeBufferPointer<UInt8>
        let decoded: String?

        public static func ~= (pattern: StaticString, key: Key) -> Bool {
            if let d = key.decoded { return d == "\(pattern)" }
            let n = pattern.utf8CodeUnitCount
            guard n == key.bytes.count else { return false }
            let q = pattern.utf8Start
            for k in 0..<n where key.bytes[k] != q[k] { return false }
            return true
        }

        public var name: String { decoded ?? String(decoding: bytes, as: UTF8.self) }
    }

    private var atEnd: Bool { p.i >= p.buf.count }
    private var byte: UInt8 { p.buf[p.i] }

    /// Starts an object; `what` names it when a member's value is something else (a line that is not an object
    /// is refused as `JSONParser` refuses it).
    public mutating func beginObject(what: String = "record") throws {
        guard !atEnd, byte == UInt8(ascii: "{") else {
            if depth > 0, !atEnd, isValueStart { throw JSONError("\(what) is not a JSON object") }
            throw JSONError(atEnd ? "unexpected end of JSON" : "expected an object", offset: p.i)
        }
        guard depth + 1 < JSONParser.maxDepth else { throw JSONError("JSON nested too deeply", offset: p.i) }
        p.i += 1
        depth += 1
        atOpen = true
    }

    private var isValueStart: Bool {
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
             UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return false
        }
    }

    /// The next member's name, the cursor then at its value (which the caller reads or skips); nil at the end of
    /// the object.
    public mutating func nextKey() throws -> Key? {
        guard try nextItem(close: UInt8(ascii: "}")) else {
            if depth == 0 { try end() }
            return nil
        }
        guard !atEnd, byte == UInt8(ascii: "\"") else { throw JSONError("expected a key", offset: p.i) }
        let open = p.i
        try p.skipString()
        let raw = UnsafeBufferPointer(rebasing: p.buf[open + 1..<p.i - 1])
        var decoded: String?
        if raw.contains(UInt8(ascii: "\\")) {
            let after = p.i
            p.i = open
            decoded = try p.string()
            p.i = after
        }
        p.skipSpace()
        guard !atEnd, byte == UInt8(ascii: ":") else { throw JSONError("expected ':'", offset: p.i) }
        p.i += 1
        p.skipSpace()
        return Key(bytes: raw, decoded: decoded)
    }

    /// Starts an array; `nextElement()` then says whether an element follows.
    private mutating func beginArray() throws {
        guard depth + 1 < JSONParser.maxDepth else { throw JSONError("JSON nested too deeply", offset: p.i) }
        p.i += 1
        depth += 1
        atOpen = true
    }

    private mutating func nextElement() throws -> Bool {
        try nextItem(close: UInt8(ascii: "]"))
    }

    /// Past the comma before the next member or element (none after `{` or `[`): true; past `close`: false.
    private mutating func nextItem(close: UInt8) throws -> Bool {
        p.skipSpace()
        guard !atEnd else { throw JSONError("unexpected end of JSON", offset: p.i) }
        if byte == close {
            p.i += 1
            depth -= 1
            atOpen = false
            return false
        }
        if !atOpen {
            guard byte == UInt8(ascii: ",") else {
                throw JSONError(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'", offset: p.i)
            }
            p.i += 1
            p.skipSpace()
        }
        atOpen = false
        return true
    }

    /// After the top-level value: only white space.
    private mutating func end() throws {
        p.skipSpace()
        if p.i != p.buf.count { throw JSONError("unexpected data after the JSON value", offset: p.i) }
    }

    /// Whether the value is `null` (read when it is).
    public mutating func null() throws -> Bool {
        guard !atEnd, byte == UInt8(ascii: "n") else { return false }
        try p.literal("null")
        return true
    }

    /// Moves past the value, checking its structure.
    public mutating func skip() throws {
        try p.skipValue(depth: depth)
    }

    /// The value as `JSONValue` (for what has no typed reader here).
    public mutating func value() throws -> JSONValue {
        try p.value(depth: depth)
    }

    public mutating func string(_ key: Key) throws -> String {
        guard !atEnd, byte == UInt8(ascii: "\"") else {
            _ = try p.value(depth: depth)  // a malformed value is reported as such
            throw JSONError("field \"\(key.name)\" is not a string")
        }
        return try p.string()
    }

    /// A `true` or `false` field.
    public mutating func bool(_ key: Key) throws -> Bool {
        guard case .bool(let b) = try value() else { throw JSONError("field \"\(key.name)\" is not a boolean") }
        return b
    }

    /// An integer field, as `JSONObject.int` reads one (an integral number).
    public mutating func int(_ key: Key) throws -> Int {
        guard let i = try value().intValue else { throw JSONError("field \"\(key.name)\" is not an integer") }
        return i
    }

    public mutating func optionalString(_ key: Key) throws -> String? {
        try null() ? nil : try string(key)
    }

    /// A string array; null is empty.
    public mutating func stringArray(_ key: Key) throws -> [String] {
        var out: [String] = []
        try array(key) { c in
            guard !c.atEnd, c.byte == UInt8(ascii: "\"") else {
                _ = try c.p.value(depth: c.depth)
                throw JSONError("field \"\(key.name)\" holds a non-string")
            }
            out.append(try c.p.string())
        }
        return out
    }

    /// Each element of an array, read by `element`; null is empty.
    public mutating func array(_ key: Key, _ element: (inout JSONCursor) throws -> Void) throws {
        if try null() { return }
        guard !atEnd, byte == UInt8(ascii: "[") else {
            _ = try p.value(depth: depth)
            throw JSONError("field \"\(key.name)\" is not an array")
        }
        try beginArray()
        while try nextElement() { try element(&self) }
    }

    /// Reads a field's object member by member; `what` names it when it is not an object.
    public mutating func object(what: String, _ member: (inout JSONCursor, Key) throws -> Void) throws {
        try beginObject(what: what)
        while let k = try nextKey() { try member(&self, k) }
    }
}

/// A record with a reader over `JSONCursor` as well as `init(json:)`: it reads the same values (and refuses the
/// same lines) without building a `JSONValue`. `NDJSONReader` uses it when a record has one.
public protocol JSONCursorRecord: JSONRecord {
    init(cursor: inout JSONCursor) throws
}

extension JSONCursorRecord {
    public init(cursorBytes buffer: UnsafeBufferPointer<UInt8>) throws {
        var c = JSONCursor(buffer)
        try self.init(cursor: &c)
    }

    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, keys: JSONKeys?) throws -> Self {
        try Self(cursorBytes: line)
    }
}

/// A missing required field, as `JSONObject` names it.
@inline(never)
func missingField(_ name: String) -> JSONError { JSONError("missing field \"\(name)\"") }
