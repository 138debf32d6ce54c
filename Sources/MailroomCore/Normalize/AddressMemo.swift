#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `AddressList.parseSimple` made of the entries it met, kept by one normalize worker for its next messages:
/// an entry's address (or that it has none) and its issues depend only on its display name's bytes (and whether
/// they were quoted), its local part's and its domain's, so the same bytes give back the same result without
/// decoding, normalizing or allocating it again. Mail names the same people over and over (the 100k benchmark's
/// address headers hold about 351,000 entries, about 15,000 different ones, counted by splitting them at commas;
/// with 4,096 entries a worker's memo answered 88-91% of its lookups, 93% with 16,384, which cost normalize 10 MiB
/// more, against 3). Bounded: at `capacity` entries it starts empty again. Not shared between threads (each worker
/// has its own).
public final class AddressMemo {
    struct Entry {
        var hash: Int
        var start: Int  // of the key's bytes in `keyBytes`
        var count: Int
        var address: Address?
        var issues: [IssueCode]
    }

    let capacity: Int
    private var slots: [Int32]  // index into `entries`, -1 for none; open addressing, twice `capacity`, a power of 2
    private var entries: [Entry] = []
    private var keyBytes: [UInt8] = []
    private var key: [UInt8] = []  // the key being looked up
    /// Lookups answered and lookups made (for tests and profiles).
    private(set) var hits = 0, lookups = 0

    /// Keys longer than this are neither looked up nor kept (a long display name is rarely seen twice).
    static let maxKeyBytes = 200

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
        var size = 2
        while size < 2 * self.capacity { size *= 2 }
        slots = Array(repeating: -1, count: size)
    }

    /// The key of an entry: whether its name was quoted (0: no name, 1: quoted, 2: words), the name's bytes, a NUL
    /// (no name, local part or domain holds one), the local part, a NUL, the domain. False when too long.
    private func makeKey(_ b: UnsafeBufferPointer<UInt8>, name: Range<Int>?, quoted: Bool,
                         local: Range<Int>, domain: Range<Int>) -> Bool {
        let count = 3 + (name?.count ?? 0) + local.count + domain.count
        guard count <= Self.maxKeyBytes else { return false }
        key.removeAll(keepingCapacity: true)
        key.append(name == nil ? 0 : quoted ? 1 : 2)
        if let name { key.append(contentsOf: UnsafeBufferPointer(rebasing: b[name])) }
        key.append(0)
        key.append(contentsOf: UnsafeBufferPointer(rebasing: b[local]))
        key.append(0)
        key.append(contentsOf: UnsafeBufferPointer(rebasing: b[domain]))
        return true
    }

    private func hashOfKey() -> Int {
        var h = Hasher()
        key.withUnsafeBytes { h.combine(bytes: $0) }
        return h.finalize()
    }

    /// The slot holding the entry with the current key, or the empty slot where it would go.
    private func slot(_ hash: Int) -> (slot: Int, found: Int?) {
        let mask = slots.count - 1
        var s = hash & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { return (s, nil) }
            if entries[e].hash == hash, entries[e].count == key.count, sameKey(at: entries[e].start) { return (s, e) }
            s = (s + 1) & mask
        }
    }

    private func sameKey(at start: Int) -> Bool {
        keyBytes.withUnsafeBytes { kept in
            key.withUnsafeBytes { memcmp(kept.baseAddress! + start, $0.baseAddress!, $0.count) == 0 }
        }
    }

    /// The result kept for an entry's bytes, or `make()`'s, which is then kept. `make` adds the entry's issues to
    /// the set it is given; they are added to `issues` either way.
    func address(_ b: UnsafeBufferPointer<UInt8>, name: Range<Int>?, quoted: Bool, local: Range<Int>,
                 domain: Range<Int>, issues: inout Set<IssueCode>,
                 make: (inout Set<IssueCode>) -> Address?) -> Address? {
        guard makeKey(b, name: name, quoted: quoted, local: local, domain: domain) else { return make(&issues) }
        lookups += 1
        let hash = hashOfKey()
        let (s, found) = slot(hash)
        if let found {
            hits += 1
            for code in entries[found].issues { issues.insert(code) }
            return entries[found].address
        }
        var own = Set<IssueCode>()
        let a = make(&own)
        issues.formUnion(own)
        if entries.count == capacity {
            // Full: start again (the addresses met next are mostly the ones met lately).
            entries.removeAll(keepingCapacity: true)
            keyBytes.removeAll(keepingCapacity: true)
            for i in slots.indices { slots[i] = -1 }
            let (empty, _) = slot(hash)
            insert(hash, at: empty, a, own)
        } else {
            insert(hash, at: s, a, own)
        }
        return a
    }

    private func insert(_ hash: Int, at s: Int, _ a: Address?, _ issues: Set<IssueCode>) {
        slots[s] = Int32(entries.count)
        entries.append(Entry(hash: hash, start: keyBytes.count, count: key.count, address: a,
                             issues: issues.sorted()))
        keyBytes.append(contentsOf: key)
    }
}
