/// Writes compact JSON into a byte buffer with keys in the order the caller gives them, so the same record
/// always produces the same bytes. Used for every NDJSON line and JSON document Mailroom writes.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Per open container, whether a value was written in it (the next one needs a comma): bit 0 is the
    /// innermost. Containers more than 64 levels out keep their bits in `outerCommas` (an array per level cost
    /// a uniqueness check and a store at every value).
    private var commas: UInt64 = 0
    private var depth = 0
    private var outerCommas: [Bool] = []

    public init(reserving capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        (commas, depth) = (0, 0)
        outerCommas.removeAll(keepingCapacity: true)
        afterKey = false
    }

    private var afterKey = false

    /// Writes the comma that separates this value (or key) from the previous one in its container.
    private mutating func prefix() {
        if afterKey { afterKey = false; return }
        guard depth > 0 else { return }
        if commas & 1 != 0 { bytes.append(UInt8(ascii: ",")) } else { commas |= 1 }
    }

    private mutating func open() {
        if depth >= 64 { outerCommas.append(commas >> 63 != 0) }
        commas <<= 1
        depth += 1
    }

    private mutating func close() {
        precondition(depth > 0, "JSONWriter: a container closed that was not open")
        depth -= 1
        commas >>= 1
        if depth >= 64, outerCommas.removeLast() { commas |= 1 << 63 }
    }

    public mutating func beginObject() {
        prefix()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        close()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        prefix()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        close()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a key; the next value call writes its value.
    public mutating func key(_ k: String) {
        prefix()
        appendString(k)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ s: String) {
        prefix()
        appendString(s)
    }

    public mutating func int(_ i: Int) {
        prefix()
        bytes.append(contentsOf: String(i).utf8)
    }

    public mutating func double(_ d: Double) {
        prefix()
        if d.isFinite {
            if d.rounded() == d && abs(d) < 1e15 {
                bytes.append(contentsOf: String(Int(d)).utf8)
            } else {
                bytes.append(contentsOf: String(d).utf8)
            }
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    public mutating func bool(_ b: Bool) {
        prefix()
        bytes.append(contentsOf: (b ? "true" : "false").utf8)
    }

    public mutating func null() {
        prefix()
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func objectValue(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    public mutating func arrayValue(_ body: (inout JSONWriter) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }

    // MARK: conveniences for records

    public mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); int(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    public mutating func field(_ k: String, _ v: Double) { key(k); double(v) }
    /// Writes `null` for nil so that every record of a schema has the same keys.
    public mutating func field(_ k: String, _ v: String?) { key(k); if let v { string(v) } else { null() } }
    public mutating func field(_ k: String, _ v: Int?) { key(k); if let v { int(v) } else { null() } }
    public mutating func field(_ k: String, _ v: [String]) {
        key(k)
        arrayValue { w in for s in v { w.string(s) } }
    }
    public mutating func field<T: JSONRecord>(_ k: String, _ v: [T]) {
        key(k)
        arrayValue { w in for item in v { item.writeJSON(&w) } }
    }
    public mutating func field<T: JSONRecord>(_ k: String, _ v: T?) {
        key(k)
        if let v { v.writeJSON(&self) } else { null() }
    }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let a): arrayValue { w in for e in a { w.value(e) } }
        case .object(let o):
            objectValue { w in
                for k in o.keys.sorted() { w.key(k); w.value(o[k]!) }
            }
        }
    }

    /// Appends bytes that are already JSON, as they are (no comma logic: the caller writes the separators; the
    /// next field is written as following a value).
    public mutating func appendRaw(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    public mutating func appendRaw(_ byte: UInt8) {
        bytes.append(byte)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            let n = buf.count
            var runStart = 0
            var i = 0
            while i < n {
                // Whole 8-byte words with nothing to escape (a quote, a backslash, DEL or a control character)
                // are passed at once, up to the first byte to escape in a word; the last bytes go one by one.
                while i + 8 <= n {
                    let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let stops = JSONStringWord.stops(w, orDEL: true)
                    if stops != 0 {
                        i += JSONStringWord.place(stops)
                        break
                    }
                    i += 8
                }
                guard i < n else { break }
                let c = buf[i]
                i += 1
                if c >= 0x20 && c != 0x22 && c != 0x5C && c != 0x7F { continue }
                if runStart < i - 1 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i - 1])) }
                runStart = i
                switch c {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30,
                                              JSONWriter.hex[Int(c >> 4)], JSONWriter.hex[Int(c & 0xF)]])
                }
            }
            if runStart < buf.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A value written as one fixed JSON shape through `JSONWriter`: a record, or a document a command prints.
public protocol JSONWritable: Sendable {
    func writeJSON(_ w: inout JSONWriter)
}

extension JSONWritable {
    /// The value as one compact JSON line, without the trailing newline.
    public func jsonBytes() -> [UInt8] {
        var w = JSONWriter(reserving: 512)
        writeJSON(&w)
        return w.bytes
    }
}

/// A record that has one fixed JSON shape and is read back: NDJSON lines, report sections.
public protocol JSONRecord: JSONWritable {
    init(json: JSONValue) throws
    /// The top-level keys `init(json:)` reads, when it reads only some of a line's: readers then skip the
    /// others' values without building them. Nil (the default): every key.
    static var decodedKeys: Set<String>? { get }
    /// One line of an NDJSON file as this record, `keys` being `decodedKeys` prepared once by the reader. By
    /// default through `JSONParser`; a `JSONCursorRecord` reads it through `JSONCursor`.
    static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, keys: JSONKeys?) throws -> Self
}

extension JSONRecord {
    public static var decodedKeys: Set<String>? { nil }

    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, keys: JSONKeys?) throws -> Self {
        try Self(json: keys.map { try JSONParser.parse(buffer: line, keeping: $0) } ?? JSONParser.parse(buffer: line))
    }
}

extension JSONRecord {
    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    public init(jsonBytes: some Collection<UInt8>) throws {
        try self.init(json: JSONParser.parse(jsonBytes))
    }
}
