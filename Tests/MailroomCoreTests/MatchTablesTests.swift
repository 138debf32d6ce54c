import Foundation
import Testing
@testable import MailroomCore

/// The compact tables of the match stage answer exactly as the strings they replace would.
@Suite struct MatchTables {
    /// ASCII, NFC and non-NFC spellings (`é` composed and decomposed, the Kelvin sign whose NFC form is `K`),
    /// empty and long strings, and strings that are prefixes of one another.
    static let samples = [
        "", "a", "ab", "a@x", "mid:a@x", "K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "caf", "Z", "zz",
        "\u{1F600}", String(repeating: "x", count: 300_000), String(repeating: "x", count: 300_001), "mid:",
    ]

    @Test func stringTableEqualityAndOrderAgreeWithString() {
        var table = StringTable()
        let ids = Self.samples.map { table.intern($0) }
        for (i, a) in Self.samples.enumerated() {
            #expect(table.string(ids[i]) == a)
            #expect(table.intern(a) == ids[i], "interning again gives the same id")
            for (j, b) in Self.samples.enumerated() {
                #expect(table.equal(ids[i], ids[j]) == (a == b), "\(i) == \(j)")
                #expect(table.less(ids[i], ids[j]) == (a < b), "\(i) < \(j)")
            }
        }
        #expect(table.equal(table.intern("cafe\u{301}"), table.intern("caf\u{E9}")))
        #expect(table.isEmpty(ids[0]) && !table.isEmpty(ids[1]))
    }

    /// `compareBytes` orders as the bytes do (the sign `memcmp` gives, then the shorter first), wherever the
    /// first difference falls: in the first eight bytes, a later word or the tail.
    @Test func compareBytesOrdersAsTheBytesDo() {
        var generator = SystemRandomNumberGenerator()
        func reference(_ p: [UInt8], _ q: [UInt8]) -> Int {
            for (x, y) in zip(p, q) where x != y { return x < y ? -1 : 1 }
            return p.count < q.count ? -1 : (p.count > q.count ? 1 : 0)
        }
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...40, using: &generator)
            let p = (0..<n).map { _ in UInt8.random(in: 0...3, using: &generator) * 85 }
            var q = p
            if Bool.random(using: &generator), !q.isEmpty {
                let k = Int.random(in: 0..<q.count, using: &generator)
                q[k] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { q.append(contentsOf: (0..<Int.random(in: 0...9, using: &generator)).map { _ in 0xFF }) }
            if Bool.random(using: &generator), !q.isEmpty { q.removeLast(Int.random(in: 1...q.count, using: &generator)) }
            let got = p.withUnsafeBufferPointer { a in q.withUnsafeBufferPointer { b in StringTable.compareBytes(a, b) } }
            #expect(got.signum() == reference(p, q), "\(p) \(q)")
        }
    }

    /// `ByteOrder.precedes` is the order of the strings' UTF-8 bytes, not `String`'s `<`: a composed and a
    /// decomposed `é` are `==` as strings but differ in bytes, and the Kelvin sign sorts after `Z`.
    @Test func byteOrderIsTheOrderOfTheUTF8Bytes() {
        for a in Self.samples {
            for b in Self.samples {
                #expect(ByteOrder.precedes(a, b) == Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)),
                        "\(a.prefix(9)) \(b.prefix(9))")
            }
        }
        #expect(ByteOrder.precedes("cafe\u{301}", "caf\u{E9}") && "cafe\u{301}" == "caf\u{E9}")
        // A bridged or small string's bytes as well as a native one's.
        let maildirNames = ["1763597546.4001_1.bench:2,S", "1763597421.4000_0.bench:2,S", "1763597421.4000_0.bench:2,",
                            "1763597421.4000_0.bench", "1763597421.4000_10.bench:2,S"]
        #expect(maildirNames.sorted(by: ByteOrder.precedes) == maildirNames.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    /// `ByteOrder.sorted` (integer keys of the first 16 bytes, whole names only when those tie) gives the byte
    /// order: names that differ early or late, share 16-byte prefixes, are prefixes of one another, hold NUL
    /// bytes (a zero byte and a string's end look alike in the keys) or are not ASCII.
    @Test func sortingByPrefixKeysGivesTheByteOrder() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["1763597421.", "4000_", "0", "1", "\0", "bench", ":2,S", "\u{E9}", "e\u{301}", "\u{1F600}", "Z", ""]
        var names = Self.samples
        for _ in 0..<3_000 {
            names.append((0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        let bytes = { (s: String) in Array(s.utf8) }
        let got = ByteOrder.sorted(names) { $0 }.map(bytes)
        let expected = names.map(bytes).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(got == expected)
        #expect(ByteOrder.prefixKey("ab") < ByteOrder.prefixKey("ab\u{1}") && ByteOrder.prefixKey("ab") == ByteOrder.prefixKey("ab\0"))
    }

    @Test func stringTableFindsEveryStringAfterGrowing() {
        var table = StringTable()
        let strings = (0..<5_000).map { "m\($0)@host\($0 % 7).example" }
        let ids = strings.map { table.intern($0) }
        #expect(Set(ids).count == strings.count)
        for (s, id) in zip(strings, ids) { #expect(table.find(s) == id) }
        #expect(table.find("absent@x") == nil)
    }

    @Test func messageKeysComeBackAsTheyWereAndOrderAsStrings() {
        let keys = Self.samples + ["mid:a@b@x", "mid:@x", "mid:a@", "mid:caf\u{E9}@x", "mid:cafe\u{301}@x", "hash:00",
                                   "mid:a@x.example", "mid:a.b@x", "mid:a@\u{212A}",
                                   // Message-IDs as thread coverage holds them, and keys of no known shape
                                   "a@x.example", "@x", "a@", "b@b@x", "caf\u{E9}@x", "x", "", "mid:", "hash:a@x"]
        var list = MessageKeyList()
        for k in keys { list.append(k) }
        #expect(list.count == keys.count)
        for (i, a) in keys.enumerated() {
            #expect(list.string(Int32(i)) == a)
            for (j, b) in keys.enumerated() { #expect(list.less(Int32(i), Int32(j)) == (a < b), "\(i) < \(j)") }
        }
    }

    @Test(arguments: [
        "2024-01-02T03:04:05Z", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59Z", "2024-01-02T03:04:05+01:00",
        "2024-01-02", "2024-1-02T03:04:05Z", "2024-01-02t03:04:05Z", "", "not a date", "2024-01-02T03:04:05\u{212A}",
    ])
    func datesComeBackAsTheyWereAndCompareAsStrings(_ date: String) {
        let others = ["2024-01-02T03:04:05Z", "2024-01-02T03:04:06Z", "2023-12-31T23:59:59Z", "2024", "2024-01-02T03:04:05ZZ", "~"]
        var table = DateTable()
        let code = table.code(date)
        #expect(table.string(code) == date)
        for o in others {
            let c = table.code(o)
            #expect((table.compare(code, c) < 0) == (date < o), "\(date) < \(o)")
            #expect((table.compare(code, c) == 0) == (date == o), "\(date) == \(o)")
        }
        #expect(table.code(nil) == DateTable.none && table.string(DateTable.none) == nil)
    }

    @Test func threadIdDigestsRoundTripAndOrderAsTheirStrings() throws {
        let ids = ["abc", "", "1@client.example", "hash:00"].map { ThreadBuilder.threadId(rootId: $0) }
        #expect(ids[0] == "tba7816bf8f01cfea")
        for id in ids {
            let d = try #require(ThreadIdDigest.parse(id))
            #expect(ThreadIdDigest.string(d) == id)
            for other in ids { #expect((d < (try #require(ThreadIdDigest.parse(other)))) == (id < other)) }
        }
        for notPacked in ["t1", "tBA7816BF8F01CFEA", "xba7816bf8f01cfea", "tba7816bf8f01cfeaa", "tba7816bf8f01cfeg"] {
            #expect(ThreadIdDigest.parse(notPacked) == nil, "\(notPacked)")
        }
    }

    @Test func theThreadOfEachInputIsTheThreadOfItsKey() {
        var b = ThreadBuilder()
        let inputs = [
            Threading.msg("a@x", date: "2024-01-01T00:00:00Z"),
            Threading.msg("b@x", refs: ["a@x"], date: "2024-01-02T00:00:00Z"),
            Threading.msg("c@x"),
            Threading.msg("a@x", refs: ["c@x"]),  // the same key again: one input is kept, the same either way
        ]
        for m in inputs { b.add(m) }
        let withKeys = b.finish()
        let withoutKeys = b.finish(keepingKeys: false)
        for (i, m) in inputs.enumerated() {
            #expect(withoutKeys.threadId(forInput: i) == withKeys.threadId(for: m.key))
        }
        #expect(withoutKeys.threadId(forInput: inputs.count) == nil)
        #expect(withoutKeys.threadId(for: "mid:a@x") == nil)
        #expect(withKeys.threadCount == 2)
    }
}

/// The load's key → thread map answers as the `[String: String]` it replaces.
@Suite struct ThreadOfKeyTests {
    @Test func keysFindTheirThreadAndUnknownKeysFindNone() {
        var map = ThreadOfKey()
        map.add(thread: "t1", keys: ["mid:a@x", "mid:caf\u{E9}@x", "hash:00"])
        map.add(thread: "t2", keys: ["mid:b@x"])
        var dict: [String: String] = [:]
        for k in ["mid:a@x", "mid:caf\u{E9}@x", "hash:00"] { dict[k] = "t1" }
        dict["mid:b@x"] = "t2"
        for k in ["mid:a@x", "mid:b@x", "hash:00", "mid:cafe\u{301}@x", "mid:c@x", "", "mid:A@x"] {
            #expect(map.threadId(for: k) == dict[k], "\(k)")
        }
        #expect(map.count == 4)
        map.add(thread: "t3", keys: ["mid:a@x"])
        #expect(map.threadId(for: "mid:a@x") == "t3")
        #expect(map.count == 4)
    }

    /// Enough keys to grow the index many times, keys moved to later threads, keys that differ in one byte or
    /// only in length, and keys never added: every answer is the dictionary's.
    @Test func manyKeysAnswerAsADictionary() {
        var map = ThreadOfKey()
        var dict: [String: String] = [:]
        var rng = SplitMix64(seed: 17)
        var keys: [String] = []
        for t in 0..<3_000 {
            var batch: [String] = []
            for _ in 0..<Int(rng.next() % 5) {
                let k = "mid:\(rng.next() % 40_000)@host\(rng.next() % 3).example"
                batch.append(k)
            }
            if t % 7 == 0, !keys.isEmpty { batch.append(keys[Int(rng.next() % UInt64(keys.count))]) }
            map.add(thread: "t\(t)", keys: batch)
            for k in batch { dict[k] = "t\(t)" }
            keys += batch
        }
        #expect(map.count == dict.count)
        for k in dict.keys { #expect(map.threadId(for: k) == dict[k], "\(k)") }
        for k in ["mid:1@host0.exampl", "mid:1@host0.examplf", "mid:", "", "hash:1@host0.example"] {
            #expect(map.threadId(for: k) == dict[k], "\(k)")
        }
        for n in 40_000..<40_500 { #expect(map.threadId(for: "mid:\(n)@host0.example") == nil) }
    }

    /// Message-IDs as real clients, lists and servers write them: every single-message file of the shared
    /// third-party corpora, normalized as the pipeline does (Gmail's `…@mail.gmail.com`, Outlook's `…outlook.com`,
    /// list software and MUAs from some 240 domains; the odd shapes, as `b@b@x`, are in the tests above). Their keys
    /// (`mid:<id>`, or `hash:<content hash>` for a message without one) and the bare ids of In-Reply-To and
    /// References (as thread coverage holds them) come back from `MessageKeyList` byte for byte and order as
    /// strings; each message's key and ids, recorded as one thread per message (a key met again moves to the later
    /// one), answer from `ThreadOfKey` as a dictionary does. Skipped when the corpora are absent.
    @Test(.enabled(if: NormalizeCorpora.available))
    func realMessageIDsComeBackAndFindTheirThreads() throws {
        var threads: [(id: String, keys: [String])] = []
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) else { continue }
            let key = m.messageId.map { "mid:" + $0 } ?? "hash:" + m.contentHash
            threads.append(("t\(threads.count)", [key] + m.inReplyTo + m.references))
        }
        let all = threads.flatMap(\.keys)
        #expect(threads.count > 300 && all.count > 400, "\(threads.count) messages, \(all.count) keys and ids")
        #expect(all.contains { $0.hasSuffix("@mail.gmail.com") } && all.contains { $0.contains("outlook.com") }
                && all.contains { $0.hasPrefix("hash:") }, "Gmail's and Outlook's ids, and messages without one")
        #expect(Set(all).count < all.count, "ids met again, in References of later messages")

        var list = MessageKeyList()
        for k in all { list.append(k) }
        for (i, k) in all.enumerated() { #expect(list.string(Int32(i)) == k) }
        var rng = SplitMix64(seed: 5)
        for _ in 0..<5_000 {
            let a = Int32(rng.next() % UInt64(all.count)), b = Int32(rng.next() % UInt64(all.count))
            #expect(list.less(a, b) == (all[Int(a)] < all[Int(b)]), "\(all[Int(a)]) < \(all[Int(b)])")
        }

        var map = ThreadOfKey()
        var dict: [String: String] = [:]
        for t in threads {
            map.add(thread: t.id, keys: t.keys)
            for k in t.keys { dict[k] = t.id }
        }
        #expect(map.count == dict.count)
        for (k, t) in dict { #expect(map.threadId(for: k) == t, "\(k)") }
        for k in dict.keys.prefix(200) { #expect(map.threadId(for: k + "x") == dict[k + "x"], "\(k)x") }
    }
}

/// `SlotIndex` finds each id by its key, whatever the hashes: all alike (every probe walks the run), spread, or
/// negative (masked), across many doublings; an absent key is not found.
@Suite struct SlotIndexTests {
    @Test(arguments: [0, 1, 2])
    func idsAreFoundByTheirKeysWhateverTheirHashes(_ shape: Int) {
        let keys = (0..<3_000).map { "k\($0 * 7 % 3_001)" }
        func hash(_ id: Int) -> Int {
            switch shape {
            case 0: return 5
            case 1: return keys[id].hashValue
            default: return -id - 1
            }
        }
        var index = SlotIndex(capacity: shape == 2 ? 10 : 0)
        for id in keys.indices {
            #expect(index.find(hash: hash(id), { keys[$0] == keys[id] }) == nil)
            index.insert(id, hash: hash(id), hashOf: hash)
        }
        #expect(index.count == keys.count)
        for id in keys.indices { #expect(index.find(hash: hash(id), { keys[$0] == keys[id] }) == id) }
        #expect(index.find(hash: 5, { keys[$0] == "absent" }) == nil)
        #expect(SlotIndex().find(hash: 0, { _ in true }) == nil)
    }
}

/// `StringMap` answers as the `[String: Int32]` it stands for: equal spellings are one key.
@Suite struct StringMapTests {
    @Test func valuesAreFoundUnderEveryEqualSpellingAndSetOnce() {
        var map = StringMap()
        #expect(map.value(for: "a@x") == nil)
        #expect(map.valueOrSet("caf\u{E9}@x", 7) == nil)
        #expect(map.valueOrSet("cafe\u{301}@x", 9) == 7, "an equal spelling finds the value set first")
        #expect(map.value(for: "cafe\u{301}@x") == 7)
        #expect(map.value(for: "Caf\u{E9}@x") == nil)
        map.set("a@x", to: 0)
        map.set("a@x", to: 3)
        #expect(map.value(for: "a@x") == 3)
        #expect(map.value(for: "a@x ") == nil)
        #expect(map.count == 2)
    }
}
