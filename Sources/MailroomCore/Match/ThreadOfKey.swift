/// Message key → thread id, for everything a load keeps between its threads and messages phases: every key once
/// in a `StringTable` (keys equal as `String` are one key) and each thread id once, about 80 bytes a message
/// where a `[String: String]` costs twice that.
public struct ThreadOfKey: Sendable {
    private var keys = StringTable()
    /// By canonical key id: index in `threadIds`, or -1.
    private var threadOfKey: [Int32] = []
    private var threadIds: [String] = []

    public init() {}

    /// Number of keys held.
    public var count: Int { threadOfKey.lazy.filter { $0 >= 0 }.count }

    /// Records `keys` as the messages of thread `id` (a key recorded again moves to this thread).
    public mutating func add(thread id: String, keys messageKeys: [String]) {
        let t = Int32(threadIds.count)
        threadIds.append(id)
        for k in messageKeys { threadOfKey[canonicalId(k)] = t }
    }

    /// The thread id recorded for `key`, or nil.
    public mutating func threadId(for key: String) -> String? {
        let t = threadOfKey[canonicalId(key)]
        return t < 0 ? nil : threadIds[Int(t)]
    }

    /// The canonical id of `key`, interning it, with `threadOfKey` grown to cover it.
    private mutating func canonicalId(_ key: String) -> Int {
        let spelling = keys.intern(key)  // apart from the next line: `canonical` must see the table after `intern`
        let id = Int(keys.canonical(spelling))
        if threadOfKey.count < keys.count {
            threadOfKey.append(contentsOf: repeatElement(-1, count: keys.count - threadOfKey.count))
        }
        return id
    }
}
