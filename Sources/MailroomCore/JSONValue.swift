/// A parsed JSON value. Mailroom writes NDJSON with `JSONWriter` (fixed key order, no Foundation) and reads it
/// back with `JSONParser`; records convert through `JSONObject` accessors that name the missing or mistyped field.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
}

/// Why a JSON document or record could not be read. `offset` is the byte offset inside the line or document.
public struct JSONError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var offset: Int?
    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }
    public var description: String { offset.map { "\(message) at byte \($0 + 1)" } ?? message }
}

/// Typed access to one JSON object, throwing errors that name the field.
public struct JSONObject: Sendable {
    public let fields: [String: JSONValue]

    public init(_ value: JSONValue, what: String = "record") throws {
        guard case .object(let o) = value else { throw JSONError("\(what) is not a JSON object") }
        fields = o
    }

    public init(fields: [String: JSONValue]) { self.fields = fields }

    public func has(_ key: String) -> Bool {
        if let v = fields[key], v != .null { return true }
        return false
    }

    public func string(_ key: String) throws -> String {
        guard let v = fields[key] else { throw JSONError("missing field \"\(key)\"") }
        guard case .string(let s) = v else { throw JSONError("field \"\(key)\" is not a string") }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = fields[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw JSONError("field \"\(key)\" is not a string") }
        return s
    }

    public func int(_ key: String) throws -> Int {
        guard let v = fields[key] else { throw JSONError("missing field \"\(key)\"") }
        guard let i = v.intValue else { throw JSONError("field \"\(key)\" is not an integer") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard let v = fields[key], v != .null else { return nil }
        guard let i = v.intValue else { throw JSONError("field \"\(key)\" is not an integer") }
        return i
    }

    public func bool(_ key: String) throws -> Bool {
        guard let v = fields[key] else { throw JSONError("missing field \"\(key)\"") }
        guard case .bool(let b) = v else { throw JSONError("field \"\(key)\" is not a boolean") }
        return b
    }

    public func stringArray(_ key: String) throws -> [String] {
        guard let v = fields[key], v != .null else { return [] }
        guard case .array(let a) = v else { throw JSONError("field \"\(key)\" is not an array") }
        return try a.map {
            guard case .string(let s) = $0 else { throw JSONError("field \"\(key)\" holds a non-string") }
            return s
        }
    }

    public func array<T>(_ key: String, _ make: (JSONValue) throws -> T) throws -> [T] {
        guard let v = fields[key], v != .null else { return [] }
        guard case .array(let a) = v else { throw JSONError("field \"\(key)\" is not an array") }
        return try a.map(make)
    }

    public func object(_ key: String) throws -> JSONObject {
        guard let v = fields[key] else { throw JSONError("missing field \"\(key)\"") }
        return try JSONObject(v, what: "field \"\(key)\"")
    }

    public func optionalObject(_ key: String) throws -> JSONObject? {
        guard let v = fields[key], v != .null else { return nil }
        return try JSONObject(v, what: "field \"\(key)\"")
    }
}
