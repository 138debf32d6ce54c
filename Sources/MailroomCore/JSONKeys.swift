/// The member names a reader keeps of each record (`JSONRecord.decodedKeys`), prepared once for
/// `JSONParser.parse(buffer:keeping:)`: a member's name is compared with them as bytes, so that the names skipped
/// are never made into Strings or hashed, and a name kept is the String held here.
public struct JSONKeys: Sendable {
    private let names: [String]
    private let utf8: [[UInt8]]
    private let set: Set<String>

    public init(_ keys: Set<String>) {
        names = keys.sorted()
        utf8 = names.map { Array($0.utf8) }
        set = keys
    }

    public var count: Int { names.count }

    public func contains(_ name: String) -> Bool { set.contains(name) }

    /// The kept name whose UTF-8 is exactly `buf[range]`, or nil.
    func name(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let n = range.count
        guard let base = buf.baseAddress else { return nil }
        for (k, bytes) in utf8.enumerated() where bytes.count == n {
            let same = bytes.withUnsafeBufferPointer { b in
                n == 0 || memcmpEqual(b.baseAddress!, base + range.lowerBound, n)
            }
            if same { return names[k] }
        }
        return nil
    }

    /// Whether the raw name holds an escape, so that its bytes are not its text.
    func mayBeEscaped(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for k in range where buf[k] == UInt8(ascii: "\\") { return true }
        return false
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var k = 0
    while k < n {
        if a[k] != b[k] { return false }
        k += 1
    }
    return true
}
