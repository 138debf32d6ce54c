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
        let raw = UnsafeBufferPointer(rebasing: buf[range])
        for (k, bytes) in utf8.enumerated() where bytes.count == raw.count && bytes.elementsEqual(raw) {
            return names[k]
        }
        return nil
    }
}
