/// An open-addressing index of dense ids (0, 1, 2, …) by hash, for tables that keep their keys themselves: the
/// slots hold id + 1 (0 is free), linear probing, never more than half full. The caller says how an id's key
/// hashes and whether it is the key sought. 4 to 8 bytes per id. (`StringTable` keeps its own copy of this probing,
/// with the byte comparison written into it, on the stages' hottest path.)
public struct SlotIndex: Sendable {
    private var slots: [Int32] = []
    /// Ids held.
    public private(set) var count = 0

    /// Room for `capacity` ids without growing.
    public init(capacity: Int = 0) {
        var size = 0
        if capacity > 0 {
            size = 64
            while size < capacity * 2 { size *= 2 }
        }
        slots = [Int32](repeating: 0, count: size)
    }

    /// The first id, probing from `hash`, for which `isKey` is true; nil when none is.
    public func find(hash: Int, _ isKey: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] != 0 {
            if isKey(Int(slots[i]) - 1) { return Int(slots[i]) - 1 }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Adds `id` (whose key `find` did not find) at `hash`; when the index is half full it first doubles, placing
    /// every id held again by `hashOf`.
    public mutating func insert(_ id: Int, hash: Int, hashOf: (Int) -> Int) {
        if (count + 1) * 2 > slots.count {
            let old = slots
            slots = [Int32](repeating: 0, count: max(64, old.count * 2))
            for v in old where v != 0 { slots[freeSlot(hashOf(Int(v) - 1))] = v }
        }
        slots[freeSlot(hash)] = Int32(id + 1)
        count += 1
    }

    private func freeSlot(_ hash: Int) -> Int {
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        return i
    }
}
