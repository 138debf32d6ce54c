import Testing
@testable import MailroomCore

/// `JSONWriter` keeps "a value came before" per open container in a 64-bit stack, with deeper levels' bits kept
/// aside: commas must come out right at every depth, across the 64-level edge and back.
@Suite struct JSONWriterNestingTests {
    /// JSON written here by recursion (object keys sorted, as `JSONWriter.value` writes them).
    static func reference(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double: fatalError("no doubles here")
        case .string(let s): return String(decoding: JSONWriterEscapeTests.reference(s), as: UTF8.self)
        case .array(let a): return "[" + a.map(reference).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { reference(.string($0)) + ":" + reference(o[$0]!) }.joined(separator: ",") + "}"
        }
    }

    static func written(_ v: JSONValue) -> String {
        var w = JSONWriter()
        w.value(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Values before and after a nested container at every level, `depth` levels deep.
    static func nested(_ depth: Int, object: Bool) -> JSONValue {
        var v: JSONValue = .int(depth)
        for level in 0..<depth {
            let inner: [JSONValue] = [.int(level), v, .string("after \(level)")]
            v = object && level % 2 == 0
                ? .object(["a": inner[0], "b": inner[1], "c": inner[2]]) : .array(inner)
        }
        return v
    }

    @Test func commasAreRightAtEveryDepthAcrossTheSixtyFourthLevel() {
        for depth in [0, 1, 2, 63, 64, 65, 66, 127, 128, 129, 200] {
            for object in [false, true] {
                let v = Self.nested(depth, object: object)
                #expect(Self.written(v) == Self.reference(v), "depth \(depth), objects \(object)")
            }
        }
    }

    @Test func seededTreesAreWrittenAsTheReferenceWritesThem() {
        var rng = SplitMix64(seed: 64)
        func tree(_ depth: Int) -> JSONValue {
            let kind = depth > 150 ? Int.random(in: 0...3, using: &rng) : Int.random(in: 0...6, using: &rng)
            switch kind {
            case 0: return .null
            case 1: return .int(Int.random(in: -1000...1000, using: &rng))
            case 2: return .string(["", "x", "a\"b", "é\n"].randomElement(using: &rng)!)
            case 3: return .bool(Bool.random(using: &rng))
            case 4: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in tree(depth + 1) })
            default:
                var o: [String: JSONValue] = [:]
                for k in 0..<Int.random(in: 0...3, using: &rng) { o["k\(k)"] = tree(depth + 1) }
                return .object(o)
            }
        }
        for _ in 0..<300 {
            // A deep spine so that most trees cross 64 levels, with random trees hung along it.
            var v = tree(0)
            for _ in 0..<Int.random(in: 0...140, using: &rng) { v = .array([tree(120), v, tree(120)]) }
            #expect(Self.written(v) == Self.reference(v))
        }
        // One writer over many lines: `reset` leaves no level behind.
        var w = JSONWriter()
        for d in [70, 3, 66] {
            w.reset()
            w.value(Self.nested(d, object: true))
            #expect(String(decoding: w.bytes, as: UTF8.self) == Self.reference(Self.nested(d, object: true)))
        }
    }
}
