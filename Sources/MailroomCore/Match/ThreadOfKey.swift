/// Message key → thread id, for what a load keeps between its threads and messages phases.
///
/// Keys are held by a 128-bit digest of their NFC form (keys equal as `String` are one key), not by their bytes:
/// a load never reads a key back, it only asks which thread a message's key is in. The digest is two SipHash-1-3
/// values (Swift's `Hasher`, seeded at random for each process) over the key with two different first bytes, so
/// two different keys share one with a chance of about n²/2¹²⁹ (10⁻²⁹ at 100,000 keys), and mail crafted to make
/// them share one cannot aim without the process's seed. Each thread id is kept once.
///
/// Memory: 20 bytes per key and 4 to 8 bytes of index per key (a key's bytes, ~60 for `mid:<id>`, are not
/// kept): ~3 MB at 100,000 messages where a `StringMap` took ~9 MB, at the load's peak (the messages phase).
public struct ThreadOfKey: Sendable {
    /// By entry: the key's digest and its thread's number.
    private var high: [UInt64] = []
    private var low: [UInt64] = []
    private var threadOf: [Int32] = []
    /// Entries by the digest's low half.
    private var index = SlotIndex()
    private var threadIds = StringList()

    public init() {}

    /// Number of keys held.
    public var count: Int { threadOf.count }

    /// Records `keys` as the messages of thread `id` (a key recorded again moves to this thread).
    public mutating func add(thread id: String, keys messageKeys: [String]) {
        let t = threadIds.append(id)
        for k in messageKeys {
            let d = Self.digest(k)
            if let e = entry(d) {
                threadOf[e] = t
                continue
            }
            high.append(d.high)
            low.append(d.low)
            threadOf.append(t)
            index.insert(threadOf.count - 1, hash: Int(truncatingIfNeeded: d.low)) { [low] in
                Int(truncatingIfNeeded: low[$0])
            }
        }
    }

    /// The thread id recorded for `key`, or nil.
    public func threadId(for key: String) -> String? {
        entry(Self.digest(key)).map { threadIds.string(threadOf[$0]) }
    }

    private func entry(_ d: (high: UInt64, low: UInt64)) -> Int? {
        index.find(hash: Int(truncatingIfNeeded: d.low)) { low[$0] == d.low && high[$0] == d.high }
    }

    /// The key's digest (of its NFC form, so that canonically equal spellings are one key).
    static func digest(_ key: String) -> (high: UInt64, low: UInt64) {
        var s = ICU.nfc(key)
        return s.withUTF8 { b in
            let raw = UnsafeRawBufferPointer(b)
            var h = Hasher(), l = Hasher()
            h.combine(UInt8(1))
            h.combine(bytes: raw)
            l.combine(UInt8(2))
            l.combine(bytes: raw)
            return (UInt64(bitPattern: Int64(h.finalize())), UInt64(bitPattern: Int64(l.finalize())))
        }
    }
}
