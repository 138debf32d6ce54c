/// Message key → thread id, for what a load keeps between its threads and messages phases: the keys in a
/// `StringMap` (keys equal as `String` are one key) and each thread id once, about half what a `[String: String]`
/// costs.
public struct ThreadOfKey: Sendable {
    private var threadOfKey = StringMap()
    private var threadIds: [String] = []

    public init() {}

    /// Number of keys held.
    public var count: Int { threadOfKey.count }

    /// Records `keys` as the messages of thread `id` (a key recorded again moves to this thread).
    public mutating func add(thread id: String, keys messageKeys: [String]) {
        let t = Int32(threadIds.count)
        threadIds.append(id)
        for k in messageKeys { threadOfKey.set(k, to: t) }
    }

    /// The thread id recorded for `key`, or nil.
    public func threadId(for key: String) -> String? {
        threadOfKey.value(for: key).map { threadIds[Int($0)] }
    }
}
