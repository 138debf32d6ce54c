/// What `AddressList.parseSimple` made of the entries it met, kept by one normalize worker for its next messages:
/// an entry's address (or that it has none) and its issues depend only on its display name's bytes (and whether
/// they were quoted), its local part's and its domain's, so the same bytes give back the same result without
/// decoding, normalizing or allocating it again. Mail names the same people over and over (the 100k benchmark's
/// address headers hold about 351,000 entries, about 15,000 different ones, counted by splitting them at commas;
/// with 4,096 entries a worker's memo answered 88-91% of its lookups, 93% with 16,384, which cost normalize 10 MiB
/// more, against 3). Bounded: at `capacity` entries it starts empty again. Not shared between threads (each worker
/// has its own).
public final class AddressMemo {
    let capacity: Int
    /// The keys met, by dense id (`StringTable`: exact bytes), and what each gave, by the same id.
    private var keys = StringTable()
    private var results: [(address: Address?, issues: [IssueCode])] = []
    private var key: [UInt8] = []  // the key being looked up
    /// Lookups answered and lookups made (for tests and profiles).
    private(set) var hits = 0, lookups = 0

    /// Keys longer than this are neither looked up nor kept (a long display name is rarely seen twice).
    static let maxKeyBytes = 200

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
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

    /// The result kept for an entry's bytes, or `make()`'s, which is then kept. `make` adds the entry's issues to
    /// the set it is given; they are added to `issues` either way.
    func address(_ b: UnsafeBufferPointer<UInt8>, name: Range<Int>?, quoted: Bool, local: Range<Int>,
                 domain: Range<Int>, issues: inout Set<IssueCode>,
                 make: (inout Set<IssueCode>) -> Address?) -> Address? {
        guard makeKey(b, name: name, quoted: quoted, local: local, domain: domain) else { return make(&issues) }
        lookups += 1
        let id = Int(key.withUnsafeBufferPointer { keys.intern($0) })
        if id < results.count {
            hits += 1
            for code in results[id].issues { issues.insert(code) }
            return results[id].address
        }
        var own = Set<IssueCode>()
        let a = make(&own)
        issues.formUnion(own)
        results.append((a, own.sorted()))
        if results.count == capacity {
            // Full: start again (the addresses met next are mostly the ones met lately).
            keys = StringTable()
            results.removeAll(keepingCapacity: true)
        }
        return a
    }
}
