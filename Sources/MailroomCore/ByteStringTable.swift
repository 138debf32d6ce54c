/// A set of byte strings kept in one contiguous arena, each with a dense index (0, 1, 2, … in insertion order).
/// For state that grows with the mailbox (Message-IDs, content hashes): about the strings' own bytes plus 16
/// bytes per entry, where a `Set<String>` costs a heap object per string and twice the table. Holds up to 4 GB
/// of strings.
///
/// Lookups are exact (bytes are compared); the hash is Swift's seeded `Hasher`, so crafted input cannot force
/// collisions.
public struct ByteStringTable: Sendable {
    private var arena: [UInt8] = []
    /// End offset in `arena` of entry i; it starts where entry i - 1 ends.
    private var ends: [UInt32] = []
    /// Open addressing, linear probing: entry index + 1, or 0 for an empty slot. At most half full.
    private var slots: [Int32] = []
    /// Each entry's hash (its low 32 bits), so growing the table does not hash every string again.
    private var hashes: [UInt32] = []

    public init() {}

    public var count: Int { ends.count }

    /// The index of `s`, or nil when the table does not hold it.
    public func index(of s: UnsafeRawBufferPointer) -> Int? {
        guard !slots.isEmpty else { return nil }
        let h = Self.hash(s)
        var slot = Int(h) & (slots.count - 1)
        while true {
            let e = Int(slots[slot]) - 1
            if e < 0 { return nil }
            if hashes[e] == h, equals(e, s) { return e }
            slot = (slot + 1) & (slots.count - 1)
        }
    }


    public func index(of s: String) -> Int? {
        var s = s
        return s.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    /// Adds `s` unless present; returns its index and whether it was added.
    @discardableResult
    public mutating func insert(_ s: UnsafeRawBufferPointer) -> (index: Int, inserted: Bool) {
        if (count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(s)
        var slot = Int(h) & (slots.count - 1)
        while true {
            let e = Int(slots[slot]) - 1
            if e < 0 { break }
            if hashes[e] == h, equals(e, s) { return (e, false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        precondition(arena.count + s.count <= Int(UInt32.max), "ByteStringTable holds at most 4 GB")
        arena.append(contentsOf: s)
        ends.append(UInt32(arena.count))
        hashes.append(h)
        slots[slot] = Int32(ends.count)
        return (ends.count - 1, true)
    }

    @discardableResult
    public mutating func insert(_ s: String) -> (index: Int, inserted: Bool) {
        var s = s
        return s.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// Entry `i` as a String (its bytes are valid UTF-8 when they were inserted from a String).
    public subscript(i: Int) -> String {
        withBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of entry `i`.
    public func withBytes<T>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<Int(ends[i])])) }
    }

    private func equals(_ i: Int, _ s: UnsafeRawBufferPointer) -> Bool {
        let start = i == 0 ? 0 : Int(ends[i - 1]), end = Int(ends[i])
        guard end - start == s.count else { return false }
        return arena.withUnsafeBytes { a in UnsafeRawBufferPointer(rebasing: a[start..<end]).elementsEqual(s) }
    }

    private mutating func grow() {
        let size = max(64, slots.count * 2)
        var fresh = [Int32](repeating: 0, count: size)
        for (e, h) in hashes.enumerated() {
            var slot = Int(h) & (size - 1)
            while fresh[slot] != 0 { slot = (slot + 1) & (size - 1) }
            fresh[slot] = Int32(e + 1)
        }
        slots = fresh
    }

    private static func hash(_ s: UnsafeRawBufferPointer) -> UInt32 {
        var h = Hasher()
        h.combine(bytes: s)
        return UInt32(truncatingIfNeeded: h.finalize())
    }
}
