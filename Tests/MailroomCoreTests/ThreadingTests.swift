import Foundation
import Testing
@testable import MailroomCore

@Suite struct Threading {
    static func msg(_ id: String?, key: String? = nil, irt: [String] = [], refs: [String] = [],
                    subject: String = "", date: String? = nil) -> ThreadInput {
        ThreadInput(key: key ?? "mid:" + (id ?? "?"), messageId: id, inReplyTo: irt, references: refs,
                    baseSubject: Fixture.baseSubject(subject), subjectIsReply: SubjectPrefix.isReply(subject),
                    date: date)
    }

    /// `people`: external participants by key (for subject grouping); by default everyone shares one.
    static func assign(_ inputs: [ThreadInput], people: [String: [String]]? = nil) -> ThreadAssignment {
        var b = ThreadBuilder()
        for m in inputs { b.add(m) }
        return b.finish { $0.map { people?[inputs[$0].key] ?? (people == nil ? ["client@customer.example"] : []) } }
    }

    static func tid(_ rootId: String) -> String { ThreadBuilder.threadId(rootId: rootId) }

    /// key → thread id for every input.
    static func table(_ inputs: [ThreadInput], people: [String: [String]]? = nil) -> [String: String] {
        let a = assign(inputs, people: people)
        return Dictionary(uniqueKeysWithValues: inputs.map { ($0.key, a.threadId(for: $0.key) ?? "none") })
    }

    @Test func threadIdIsTPlusSixteenHexOfSHA256OfTheRootId() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...
        #expect(ThreadBuilder.threadId(rootId: "abc") == "tba7816bf8f01cfea")
    }

    @Test func referencesAndInReplyToMakeParentAndChild() {
        let t = Self.table([
            Self.msg("a@x", date: "2024-01-01T00:00:00Z"),
            Self.msg("b@x", refs: ["a@x"], date: "2024-01-02T00:00:00Z"),
            Self.msg("c@x", irt: ["b@x"], date: "2024-01-03T00:00:00Z"),
            Self.msg("d@x", irt: ["c@x"], refs: ["a@x", "b@x", "c@x"]),
            Self.msg("other@x"),
        ])
        #expect(t["mid:a@x"] == Self.tid("a@x"))
        #expect(t["mid:b@x"] == Self.tid("a@x"))
        #expect(t["mid:c@x"] == Self.tid("a@x"))
        #expect(t["mid:d@x"] == Self.tid("a@x"))
        #expect(t["mid:other@x"] == Self.tid("other@x"))
        #expect(Self.assign([Self.msg("a@x"), Self.msg("other@x"), Self.msg("b@x", refs: ["a@x"])]).threadCount == 2)
    }

    @Test func aSaneInReplyToWinsOverTheLastReference() {
        let t = Self.table([Self.msg("b@x"), Self.msg("c@x", irt: ["b@x"], refs: ["unrelated@x"])])
        #expect(t["mid:c@x"] == Self.tid("b@x"))
    }

    @Test func anInReplyToWithSeveralIdsFallsBackToTheLastReference() {
        let t = Self.table([Self.msg("b@x"), Self.msg("c@x", irt: ["p@x", "q@x"], refs: ["z@x", "b@x"])])
        #expect(t["mid:c@x"] == Self.tid("b@x"))
        // b names no parent itself, so c's References do not give it one: the thread stays rooted at b.
        #expect(t["mid:b@x"] == Self.tid("b@x"))
    }

    @Test func everyArrivalOrderOfASmallThreadGivesTheSameThreads() {
        let inputs = [
            Self.msg("b@x", refs: ["a@x"], subject: "Re: plan", date: "2024-01-02T00:00:00Z"),
            Self.msg("c@x", irt: ["b@x"], refs: ["a@x", "b@x"], date: "2024-01-03T00:00:00Z"),
            Self.msg("d@x", refs: ["a@x", "b@x", "c@x"], date: "2024-01-04T00:00:00Z"),
            Self.msg("e@x", subject: "Re: Plan", date: "2024-01-05T00:00:00Z"),
            Self.msg(nil, key: "hash:1", subject: "lunch"),
        ]
        let expected = Self.table(inputs)
        #expect(Set(expected.values) == [Self.tid("a@x"), Self.tid("hash:1")])
        let orders = permutations(inputs)
        #expect(Set(orders.map { $0.map(\.key) }).count == 120)
        for p in orders { #expect(Self.table(p) == expected) }
    }

    @Test func shuffledLargerInputsGiveTheSameThreads() {
        var inputs: [ThreadInput] = []
        for t in 0..<12 {
            for n in 0..<6 {
                let id = "m\(t)-\(n)@x"
                let refs = (0..<n).filter { ($0 + t) % 3 != 1 }.map { "m\(t)-\($0)@x" }
                inputs.append(Self.msg(id, irt: n % 2 == 1 && n > 0 ? ["m\(t)-\(n - 1)@x"] : [], refs: refs,
                                       subject: n == 0 ? "topic \(t % 4)" : "Re: topic \(t % 4)",
                                       date: "2024-02-\(10 + t)T0\(n):00:00Z"))
            }
        }
        let expected = Self.table(inputs)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20 { #expect(Self.table(inputs.shuffled(using: &rng)) == expected) }
    }

    @Test func aPlaceholderJoinsTwoRepliesWhoseParentIsMissing() {
        let inputs = [Self.msg("b@x", refs: ["p@x"]), Self.msg("c@x", irt: ["p@x"])]
        let a = Self.assign(inputs)
        #expect(a.threadId(for: "mid:b@x") == Self.tid("p@x"))
        #expect(a.threadId(for: "mid:c@x") == Self.tid("p@x"))
        #expect(a.threadCount == 1)
        // When the missing parent arrives later, the thread keeps its id.
        #expect(Self.table(inputs + [Self.msg("p@x")])["mid:b@x"] == Self.tid("p@x"))
    }

    @Test func placeholderChainsFromReferencesLinkThreadsTogether() {
        // b names only q; c's References say q's parent is p, which is a's parent too.
        let t = Self.table([
            Self.msg("a@x", refs: ["p@x"]),
            Self.msg("b@x", refs: ["q@x"]),
            Self.msg("c@x", refs: ["p@x", "q@x", "b@x"]),
        ])
        #expect(Set(t.values) == [Self.tid("p@x")])
    }

    @Test func messagesThatReferenceEachOtherInACycleStillThreadAndTheOldestIsTheRoot() {
        let a = Self.msg("a@x", refs: ["b@x"], date: "2024-01-01T00:00:00Z")
        let b = Self.msg("b@x", refs: ["a@x"], date: "2024-01-02T00:00:00Z")
        #expect(Self.table([a, b]) == ["mid:a@x": Self.tid("a@x"), "mid:b@x": Self.tid("a@x")])
        #expect(Self.table([b, a]) == ["mid:a@x": Self.tid("a@x"), "mid:b@x": Self.tid("a@x")])
    }

    @Test func longerReferenceCyclesTerminate() {
        let t = Self.table([
            Self.msg("a@x", refs: ["c@x", "b@x"]),
            Self.msg("b@x", refs: ["a@x", "c@x"]),
            Self.msg("c@x", refs: ["b@x", "a@x"]),
            Self.msg("d@x", refs: ["g1@x", "g2@x", "g1@x", "g2@x"]),
        ])
        #expect(Set([t["mid:a@x"], t["mid:b@x"], t["mid:c@x"]]).count == 1)
        #expect(t["mid:d@x"] != nil)
    }

    @Test func selfReferencesAreDropped() {
        let t = Self.table([
            Self.msg("a@x", irt: ["a@x"], refs: ["a@x"]),
            Self.msg("b@x", irt: ["b@x"], refs: ["a@x", "b@x"]),
        ])
        #expect(t == ["mid:a@x": Self.tid("a@x"), "mid:b@x": Self.tid("a@x")])
    }

    @Test func aReusedOrMissingMessageIdGetsItsOwnContainerButStillLinksToItsParent() {
        let t = Self.table([
            Self.msg("a@x"),
            Self.msg("a@x", key: "mid:a@x#0123456789ab"),
            Self.msg("a@x", key: "mid:a@x#ba9876543210", irt: ["p@x"]),
            Self.msg(nil, key: "hash:77", refs: ["a@x"]),
            Self.msg(nil, key: "hash:88"),
            Self.msg("r@x", irt: ["a@x"]),
        ])
        #expect(t["mid:a@x"] == Self.tid("a@x"))
        #expect(t["mid:a@x#0123456789ab"] == Self.tid("mid:a@x#0123456789ab"))
        #expect(t["mid:a@x#ba9876543210"] == Self.tid("p@x"))
        #expect(t["hash:77"] == Self.tid("a@x"))
        #expect(t["hash:88"] == Self.tid("hash:88"))
        #expect(t["mid:r@x"] == Self.tid("a@x"))
    }

    @Test func subjectGroupingOnlyJoinsRepliesWithoutThreadHeaders() {
        let t = Self.table([
            Self.msg("a@x", subject: "Project plan", date: "2024-01-01T00:00:00Z"),
            Self.msg("b@x", subject: "Re: Project plan", date: "2024-01-02T00:00:00Z"),
            Self.msg("c@x", subject: "Project plan", date: "2024-01-03T00:00:00Z"),
            Self.msg("d@x", irt: ["ghost@x"], subject: "Re: Project plan", date: "2024-01-04T00:00:00Z"),
            Self.msg("e@x", subject: "Re: ", date: "2024-01-05T00:00:00Z"),
            Self.msg("f@x", subject: "Re: ", date: "2024-01-06T00:00:00Z"),
        ])
        #expect(t["mid:b@x"] == Self.tid("a@x"))   // reply prefix, no headers: joins the earliest thread
        #expect(t["mid:c@x"] == Self.tid("c@x"))   // no reply prefix: its own thread
        #expect(t["mid:d@x"] == Self.tid("ghost@x"))  // has headers: never grouped by subject
        #expect(t["mid:e@x"] == Self.tid("e@x"))   // empty base subject: never grouped
        #expect(t["mid:f@x"] == Self.tid("f@x"))
    }

    @Test func headerlessRepliesJoinOnlyAnEarlierDatedThreadTheMostRecentFirst() {
        let t = Self.table([
            Self.msg("r1@x", subject: "Re: budget", date: "2024-01-01T00:00:00Z"),
            Self.msg("r2@x", subject: "RE: Budget", date: "2024-01-03T00:00:00Z"),
            Self.msg("o@x", subject: "Budget", date: "2024-01-02T00:00:00Z"),
            Self.msg("lone1@x", subject: "RE: report"),
            Self.msg("lone2@x", subject: "Re: report", date: "2024-01-09T00:00:00Z"),
        ])
        // r1 is older than every other thread of its subject: it joins none. r2 joins the most recent one.
        #expect(t["mid:r1@x"] == Self.tid("r1@x"))
        #expect(t["mid:r2@x"] == Self.tid("o@x"))
        // An undated reply, or a thread without a dated message, gives no bound to check: no join.
        #expect(t["mid:lone1@x"] == Self.tid("lone1@x"))
        #expect(t["mid:lone2@x"] == Self.tid("lone2@x"))
    }

    @Test func withoutAParticipantInCommonNoSubjectJoin() {
        let inputs = [Self.msg("a@x", subject: "Plan", date: "2024-01-01T00:00:00Z"),
                      Self.msg("b@x", subject: "Re: Plan", date: "2024-01-02T00:00:00Z")]
        #expect(Self.table(inputs, people: ["mid:a@x": ["ann@one.example"], "mid:b@x": ["bo@two.example"]])["mid:b@x"]
            == Self.tid("b@x"))
        #expect(Self.table(inputs, people: ["mid:a@x": ["ann@one.example"], "mid:b@x": ["ann@one.example"]])["mid:b@x"]
            == Self.tid("a@x"))
        // Without a participant source nobody is known: nothing joins by subject.
        var b = ThreadBuilder()
        for m in inputs { b.add(m) }
        #expect(b.finish().threadId(for: "mid:b@x") == Self.tid("b@x"))
    }

    @Test func aHeaderlessForwardStartsItsOwnThread() {
        // sample-data: "Fwd: Renewal quote for 2027" sent two months later to someone new is its own conversation.
        let t = Self.table([
            Self.msg("q@x", subject: "Renewal quote", date: "2024-01-01T00:00:00Z"),
            Self.msg("f1@x", subject: "Fwd: Renewal quote", date: "2024-03-01T00:00:00Z"),
            Self.msg("f2@x", subject: "FW: Renewal quote", date: "2024-03-02T00:00:00Z"),
            Self.msg("r@x", subject: "Re: Renewal quote", date: "2024-01-02T00:00:00Z"),
        ])
        #expect(t["mid:f1@x"] == Self.tid("f1@x"))
        #expect(t["mid:f2@x"] == Self.tid("f2@x"))
        #expect(t["mid:r@x"] == Self.tid("q@x"))
    }

    @Test func aRepeatedKeyKeepsTheSameInputWhateverTheOrder() {
        let first = Self.msg("a@x", irt: ["p@x"])
        let second = Self.msg("a@x", irt: ["q@x"])
        #expect(Self.assign([first, second]).threadId(for: "mid:a@x") == Self.tid("p@x"))
        #expect(Self.assign([second, first]).threadId(for: "mid:a@x") == Self.tid("p@x"))
    }

    @Test(arguments: [
        ("Re: hello", true), ("RE:hello", true), ("Fwd: x", false), ("FW: x", false), ("AW: x", true),
        ("SV: x", true), ("Re[2]: x", true), ("Re(3): x", true), ("[team] Re: x", true), ("回复：会议", true),
        ("Hello", false), ("Regarding: x", false), ("Re x", false), ("Re[]: x", false), ("", false),
        ("Reply needed", false), ("WG: x", false), ("转发：x", false), ("Re: Fwd: x", true),
    ] as [(String, Bool)])
    func replyPrefixesAreRecognisedAndForwardPrefixesAreNot(subject: String, isReply: Bool) {
        #expect(SubjectPrefix.isReply(subject) == isReply)
    }

    @Test func threadInputFromADedupedMessageCarriesIdsLinksAndSubject() {
        let m = Fixture.message(messageId: "b@x", date: "2024-01-01T00:00:00Z", subject: "Re: Plan",
                                inReplyTo: ["a@x"], references: ["a@x"])
        let input = ThreadInput(Fixture.deduped("mid:b@x", m))
        #expect(input == ThreadInput(key: "mid:b@x", messageId: "b@x", inReplyTo: ["a@x"], references: ["a@x"],
                                     baseSubject: "plan", subjectIsReply: true, date: "2024-01-01T00:00:00Z"))
    }
}

/// Every ordering of `items` (Heap's algorithm).
func permutations<T>(_ items: [T]) -> [[T]] {
    var a = items
    var out: [[T]] = []
    func generate(_ k: Int) {
        if k <= 1 { out.append(a); return }
        generate(k - 1)
        for i in 0..<(k - 1) {
            a.swapAt(k % 2 == 0 ? i : 0, k - 1)
            generate(k - 1)
        }
    }
    generate(a.count)
    return out
}

/// The builder's canonical orders, made with short cuts (eight-byte key prefixes, packed dates), against the
/// comparisons they stand for: keys as `String` orders them, dates then keys as `isOlder` does.
@Suite struct ThreadBuilderOrders {
    static func keys(_ count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let heads = ["mid:", "hash:", "mid", "mi", "m", "", "mid:CA+", "mid:20261120", "mid:\u{e9}", "mid:e\u{301}",
                     "mid:\u{212A}", "mid:K", "hash:00", "mid:" + String(repeating: "a", count: 9)]
        let tails = ["", "a", "b", "@x.example", "\u{e9}@x", "e\u{301}@x", "\u{0}", "\u{7F}", "zz", "0", "\u{1F600}"]
        var seen = Set<String>()
        var out: [String] = []
        while out.count < count {
            let k = heads.randomElement(using: &rng)! + (0..<Int.random(in: 0...4, using: &rng)).map { _ in tails.randomElement(using: &rng)! }.joined()
            if seen.insert(k).inserted { out.append(k) }  // unique as strings: `==` also joins NFC and NFD spellings
        }
        return out
    }

    @Test(arguments: [61, 62, 63])
    func keyOrderAndAgeOrderAreTheComparisonsTheyStandFor(seed: UInt64) {
        var rng = SplitMix64(seed: seed + 100)
        let dates = [nil, "2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", "2026-11-21T09:00:00Z", "1999-01-01T00:00:00Z",
                     "not a date", "2026-11-20T10:00:00+01:00"]
        var b = ThreadBuilder()
        var added: [String] = []
        for k in Self.keys(2_000, seed: seed) where !added.contains(where: { $0 == k }) {
            added.append(k)
            b.add(ThreadInput(key: k, messageId: nil, inReplyTo: [], references: [], baseSubject: "", subjectIsReply: false,
                              date: dates.randomElement(using: &rng)!))
        }
        let byKey = b.entriesByKey()
        let reference = (0..<Int32(b.entries.count)).sorted { b.compareKeys(b.entries[Int($0)], b.entries[Int($1)]) < 0 }
        #expect(byKey == reference)
        let asStrings = byKey.map { b.key(b.entries[Int($0)]) }
        // The bytes of the NFC forms, strictly increasing. (Not `String.<`: in Swift 6.3 it answers false both ways
        // for `0e\u{301}@x` and `0\u{e9}@x\u{7F}`, which are not equal.)
        let nfc = asStrings.map { Array(ICU.nfc($0).utf8) }
        let unordered = zip(nfc, nfc.dropFirst()).filter { !$0.lexicographicallyPrecedes($1) }
        #expect(unordered.isEmpty, "\(unordered.prefix(3))")
        let newestFirst = b.entriesNewestFirst(byKey: byKey)
        #expect(newestFirst == byKey.sorted { b.isOlder(b.entries[Int($1)], than: b.entries[Int($0)]) })
        #expect(Set(b.entries.map(\.date)).count >= 5 && b.entries.count > 1_000)
    }

    /// The same over real keys and dates: every normalized single message of the third-party corpora (Message-IDs
    /// as Gmail, Outlook, Apple Mail, list software and kernel tooling write them, `hash:` keys for those without).
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus keys skipped"))
    func realKeysAndDatesAreOrderedAsTheComparisonsOrderThem() throws {
        var b = ThreadBuilder()
        var seen = Set<String>()
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) else { continue }
            let key = m.messageId.map { "mid:" + $0 } ?? "hash:" + m.contentHash
            guard seen.insert(key).inserted else { continue }
            b.add(ThreadInput(key: key, messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references,
                              baseSubject: m.baseSubject, subjectIsReply: false, date: m.date))
        }
        let byKey = b.entriesByKey()
        #expect(byKey == (0..<Int32(b.entries.count)).sorted { b.compareKeys(b.entries[Int($0)], b.entries[Int($1)]) < 0 })
        #expect(b.entriesNewestFirst(byKey: byKey) == byKey.sorted { b.isOlder(b.entries[Int($1)], than: b.entries[Int($0)]) })
        let dated = b.entries.filter { $0.date != DateTable.none }.count
        #expect(b.entries.count > 200 && dated > 120 && b.entries.contains { !$0.keyIsMid }, "\(b.entries.count) keys, \(dated) dated")
    }
}
