#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Interned strings for the stages that keep state per message (dedupe and match): every distinct byte sequence once, in one paged arena (`StringList`),
/// named by a dense `Int32` id found through an open-addressing index (exact bytes; a hash only picks the slot to probe).
///
/// Equality and order follow Swift's `String`, which compares canonically equivalent spellings as equal and
/// orders by the scalars of their NFC forms. A spelling that is not NFC also interns its NFC form, its
/// *canonical* id; `equal` and `less` work on canonical ids and bytes, so they agree with `==`, and with `<` where
/// `<` is a total order: Swift 6.3's `<` answers false both ways for some non-NFC text against an NFC text it
/// is a prefix of (`"0e\u{301}@x"` and `"0\u{e9}@x\u{7F}"`), which `less` orders by their NFC bytes
/// (`ThreadBuilderOrders` checks the byte order). ASCII is NFC, so for the usual ids and addresses nothing extra
/// is stored.
///
/// Memory: the bytes, 8 bytes of place per string and 8 to 16 bytes of index per string.
struct StringTable: Sendable {
    private var list = StringList()
    /// Id + 1 of the string hashed to each slot, 0 when free. Never more than half full.
    private var slots: [Int32] = []
    /// Ids of non-NFC spellings → id of their NFC form.
    private var canonicalOf: [Int32: Int32] = [:]

    init() {}

    var count: Int { list.count }

    /// Room for `n` strings without growing the index or the places.
    mutating func reserveCapacity(_ n: Int) {
        list.reserveCapacity(n)
        while n * 2 > slots.count { grow() }
    }

    /// The id of `s`, adding it when new.
    mutating func intern(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { intern($0) }
    }

    mutating func intern(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(b, text: true)
    }

    /// The id of bytes that are not text (a digest): compared as bytes only, with no canonical form looked for.
    /// A table holds text or such bytes, not both.
    mutating func intern(binary b: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(b, text: false)
    }

    private mutating func intern(_ b: UnsafeBufferPointer<UInt8>, text: Bool) -> Int32 {
        if (list.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: Self.hash(b)) & mask
        while true {
            let v = slots[i]
            if v == 0 { break }
            if bytesEqual(v - 1, b) { return v - 1 }
            i = (i + 1) & mask
        }
        let id = list.append(b)
        slots[i] = id + 1
        if text, b.contains(where: { $0 >= 0x80 }) { canonicalize(id) }
        return id
    }

    /// The id of `s` when it was interned.
    func find(_ s: String) -> Int32? {
        var s = s
        return s.withUTF8 { find($0) }
    }

    /// The id of these bytes when they were interned.
    func find(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: Self.hash(b)) & mask
        while true {
            let v = slots[i]
            if v == 0 { return nil }
            if bytesEqual(v - 1, b) { return v - 1 }
            i = (i + 1) & mask
        }
    }

    /// The canonical id of `s`, interning it (and its NFC form). Two statements on purpose: in
    /// `canonical(intern(s))` written at a call site, the table is read before `intern` adds to it (and, held
    /// meanwhile, makes the arena copy itself).
    mutating func internCanonical(_ s: String) -> Int32 {
        let spelling = intern(s)
        return canonical(spelling)
    }

    /// The canonical id of a string equal to `s` as `String` compares them, or nil when none was interned.
    func findCanonical(_ s: String) -> Int32? {
        guard let id = find(s) ?? find(ICU.nfc(s)) else { return nil }
        return canonical(id)
    }

    /// The string as it was spelled.
    func string(_ id: Int32) -> String {
        list.string(id)
    }

    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try list.withBytes(id, body)
    }

    func isEmpty(_ id: Int32) -> Bool {
        list.isEmpty(id)
    }

    /// The id of the NFC form: equal for exactly the ids whose strings are `==`.
    func canonical(_ id: Int32) -> Int32 {
        canonicalOf.isEmpty ? id : canonicalOf[id] ?? id
    }

    /// `string(a) == string(b)`.
    func equal(_ a: Int32, _ b: Int32) -> Bool {
        a == b || canonical(a) == canonical(b)
    }

    /// `string(a) < string(b)`.
    func less(_ a: Int32, _ b: Int32) -> Bool {
        compare(a, b) < 0
    }

    /// The order of `String` (negative, zero or positive).
    func compare(_ a: Int32, _ b: Int32) -> Int {
        let x = canonical(a)
        let y = canonical(b)
        if x == y { return 0 }
        return withBytes(x) { p in withBytes(y) { q in Self.compareBytes(p, q) } }
    }

    /// Byte-wise order of two UTF-8 buffers (the scalar order).
    static func compareBytes(_ p: UnsafeBufferPointer<UInt8>, _ q: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(p.count, q.count)
        if n > 0 {
            let c = memcmpBytes(p.baseAddress!, q.baseAddress!, n)
            if c != 0 { return c }
        }
        return p.count - q.count
    }

    /// The order of the first `n` bytes at `a` and `b`: libc's `memcmp` (as `ByteLines` uses `memchr`), which
    /// compares a vector at a time; keys and ids share long prefixes, and every probe that finds a string compares
    /// its bytes.
    private static func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int {
        Int(memcmp(a, b, n))
    }

    private func bytesEqual(_ id: Int32, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes(id) { p in p.count == b.count && (p.isEmpty || Self.memcmpBytes(p.baseAddress!, b.baseAddress!, p.count) == 0) }
    }

    /// Records the NFC form of a non-ASCII spelling when it differs from the spelling.
    private mutating func canonicalize(_ id: Int32) {
        let s = string(id)
        let n = ICU.nfc(s)
        guard !n.utf8.elementsEqual(s.utf8) else { return }
        canonicalOf[id] = intern(n)
    }

    private mutating func grow() {
        let size = max(64, slots.count * 2)
        var fresh = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for id in 0..<Int32(list.count) {
            var i = Int(truncatingIfNeeded: withBytes(id, Self.hash)) & mask
            while fresh[i] != 0 { i = (i + 1) & mask }
            fresh[i] = id + 1
        }
        slots = fresh
    }

    /// Chosen at random for each process, like `Hasher`'s seed: mail is input from strangers, and a fixed hash
    /// would let crafted Message-IDs collide on purpose. Ids never depend on it.
    private static let seed: UInt64 = {
        var h = Hasher()
        h.combine(0x5EED)
        return UInt64(bitPattern: Int64(h.finalize()))
    }()

    /// 64-bit mix of the bytes, eight at a time, from the process's seed.
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = seed ^ 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
        guard let base = b.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < b.count {
            tail |= UInt64(b[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
