/// Strings → non-negative `Int32` values, keys compared as `String` compares them: the compact form of a
/// `[String: Int32]` (each key once in a `StringTable`, 4 bytes of value per key), for maps that grow with the
/// mailbox (Message-ID → identity, message key → thread).
struct StringMap: Sendable {
    private var keys = StringTable()
    /// By canonical key id; -1 where none was set (the NFC forms the table adds, keys only looked up).
    private var values: [Int32] = []

    init() {}

    /// Room for `n` keys without growing.
    mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// Number of keys that have a value.
    var count: Int { values.lazy.filter { $0 >= 0 }.count }

    /// The value of `key` (or of a key equal to it), or nil.
    func value(for key: String) -> Int32? {
        guard let id = keys.findCanonical(key), Int(id) < values.count, values[Int(id)] >= 0 else { return nil }
        return values[Int(id)]
    }

    /// The value of `key` when one is set; otherwise sets it to `value` and returns nil (one look-up for both).
    mutating func valueOrSet(_ key: String, _ value: Int32) -> Int32? {
        precondition(value >= 0, "StringMap holds non-negative values")
        let id = slot(key)
        if values[id] >= 0 { return values[id] }
        values[id] = value
        return nil
    }

    /// Sets the value of `key` (replacing one set for an equal key).
    mutating func set(_ key: String, to value: Int32) {
        precondition(value >= 0, "StringMap holds non-negative values")
        values[slot(key)] = value
    }

    /// The index in `values` of `key`'s canonical id, interning the key.
    private mutating func slot(_ key: String) -> Int {
        let id = Int(keys.internCanonical(key))
        if values.count < keys.count { values.append(contentsOf: repeatElement(-1, count: keys.count - values.count)) }
        return id
    }
}
