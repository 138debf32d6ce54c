/// Strings appended one after another, each named by its position: the bytes in pages of 256 KB (a longer string
/// gets a page of its own), so that growing never copies the bytes nor holds them twice, and 8 bytes of place per
/// string. The storage of `StringTable` and `MessageKeyList`, and of a Maildir folder's file names.
public struct StringList: Sendable {
    private var pages: [[UInt8]] = []
    /// Page << `pageShift` | offset in the page, of each string.
    private var starts: [UInt32] = []
    private var lengths: [UInt32] = []

    private static let pageShift = 18
    private static let pageSize = 1 << pageShift

    public init() {}

    public var count: Int { starts.count }

    /// Room for `n` strings' places without growing.
    public mutating func reserveCapacity(_ n: Int) {
        starts.reserveCapacity(n)
        lengths.reserveCapacity(n)
    }

    /// Appends the string; its id is the count before.
    @discardableResult
    public mutating func append(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { append($0) }
    }

    @discardableResult
    public mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        if pages.isEmpty || pages[pages.count - 1].count + b.count > Self.pageSize {
            pages.append([])
            pages[pages.count - 1].reserveCapacity(max(Self.pageSize, b.count))
        }
        let last = pages.count - 1
        starts.append(UInt32(last) << UInt32(Self.pageShift) | UInt32(pages[last].count))
        lengths.append(UInt32(b.count))
        pages[last].append(contentsOf: b)
        return Int32(starts.count - 1)
    }

    public func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = starts[Int(id)]
        let offset = Int(start & UInt32(Self.pageSize - 1))
        let end = offset + Int(lengths[Int(id)])
        return try pages[Int(start >> UInt32(Self.pageShift))].withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[offset..<end]))
        }
    }

    public func string(_ id: Int32) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    public func isEmpty(_ id: Int32) -> Bool {
        lengths[Int(id)] == 0
    }
}
