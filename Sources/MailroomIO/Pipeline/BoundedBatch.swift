/// Items gathered into batches of at most `maxCount` items, or ending with the item that brings the bytes they hold
/// to `maxBytes`: extract's batches to normalize and normalize's mapping batches, whose items may carry their
/// message's bytes (`NormalizeItem`), so that a batch holds a bounded amount of mail, not a number of messages.
struct BoundedBatch<Item> {
    let maxCount: Int
    let maxBytes: Int
    private(set) var items: [Item] = []
    private var bytes = 0

    init(maxCount: Int, maxBytes: Int = .max) {
        self.maxCount = max(1, maxCount)
        self.maxBytes = maxBytes
        items.reserveCapacity(self.maxCount)
    }

    /// Adds `item`, which holds `bytes`; true when the batch is now full (`take` it).
    mutating func add(_ item: Item, bytes held: Int = 0) -> Bool {
        items.append(item)
        bytes += held
        return items.count >= maxCount || bytes >= maxBytes
    }

    /// The items gathered so far; the batch starts again empty.
    mutating func take() -> [Item] {
        defer {
            items.removeAll(keepingCapacity: true)
            bytes = 0
        }
        return items
    }
}
