import Foundation
import Testing
@testable import MailroomCore

/// `AddressMemo` gives back what an entry's bytes made before: a list read with a memo (full, nearly empty, or
/// starting again at every entry) has the same addresses and issues as read without one, the first time and every
/// time after.
@Suite struct AddressMemoTests {
    static func parse(_ v: String, memo: AddressMemo?) -> ([Address], Set<IssueCode>) {
        var issues = Set<IssueCode>()
        let list = AddressList.parse(Array(v.utf8), pipermailAt: false, issues: &issues, memo: memo)
        return (list, issues)
    }

    /// The hand-made shapes, with the entries that leave an issue behind (a broken encoded word, an unknown
    /// charset, an invalid address) mixed into lists of plain ones.
    static let handMade = AddressListSimpleTests.simpleShapes + AddressListSimpleTests.otherShapes + [
        "=?bogus-charset-zz?Q?Dana?= <dana@x.example>, Bob <bob@x.example>",
        "Bob <bob@x.example>, =?utf-8?B?###?= <d@x.example>, =?utf-8?X?abc?= <e@x.example>",
        "Bob <bob@x.example>, =?utf-8?Q?broken <x@y.example>",
        "bob@x.example, nobody@-bad-.example, Bob <bob@x.example>",
        "\"Bob\" <bob@x.example>, Bob <bob@x.example>, 'Bob' <bob@x.example>, Bob  <bob@x.example>",
        "Bob <bob@x.example>, Bob <BOB@x.example>, Bob <bob@X.EXAMPLE>",
        "=?utf-8?B?w4lsb2RpZQ==?= <elodie@example.fr>, =?utf-8?b?w4lsb2RpZQ==?= <elodie@example.fr>",
        "\(String(repeating: "Long Name ", count: 30))<long@x.example>",
    ]

    static func check(_ values: [String], capacity: Int, rounds: Int = 2) -> AddressMemo {
        let memo = AddressMemo(capacity: capacity)
        for round in 0..<rounds {
            for v in values {
                let (plain, plainIssues) = parse(v, memo: nil)
                let (memoized, memoIssues) = parse(v, memo: memo)
                #expect(memoized == plain, "round \(round), capacity \(capacity): \(v.debugDescription)")
                #expect(memoIssues == plainIssues, "round \(round), capacity \(capacity): \(v.debugDescription)")
            }
        }
        return memo
    }

    @Test func handMadeListsReadTheSameWithAMemo() {
        for capacity in [4096, 2, 1] {
            let memo = Self.check(Self.handMade, capacity: capacity)
            #expect(memo.lookups > 0)
            if capacity == 4096 { #expect(memo.hits * 2 >= memo.lookups, "the second round is answered by the memo") }
        }
        // The issues of an entry come back with it, alone in its list too.
        let memo = AddressMemo()
        for _ in 0..<3 {
            #expect(Self.parse("=?bogus-charset-zz?Q?Dana?= <d@x.example>", memo: memo).1 == [.unknownCharset])
            #expect(Self.parse("=?utf-8?B?###?= <d@x.example>", memo: memo).1 == [.encodedWordInvalid])
            #expect(Self.parse("nobody@-bad-.example", memo: memo) == ([], [.addressInvalid]))
            #expect(Self.parse("Bob <bob@x.example>", memo: memo).1.isEmpty)
        }
        #expect(memo.hits == 8)
    }

    /// Seeded lists drawn from a small pool of entries, so that most entries repeat, in every order.
    @Test func seededListsReadTheSameWithAMemo() {
        let pool = ["Dana Reyes <dana.reyes@northwind.example>", "dana.reyes@northwind.example",
                    "\"Reyes, Dana\" <dana.reyes@northwind.example>", "=?UTF-8?Q?Ren=C3=A9_Dupont?= <rene@example.fr>",
                    "=?utf-8?Q?broken <x@y.example>", "nobody@-bad-.example", "DANA.REYES@NORTHWIND.EXAMPLE",
                    "<ops@northwind.example>", "'Ops' <ops@northwind.example>", "Ops  Team <ops@northwind.example>",
                    "=?iso-8859-1?q?Fran=E7ois?= <f@example.fr>", "=?bogus-charset-zz?Q?X?= <x@x.example>",
                    "=?utf-8?B?###?= <d@x.example>"]
        var rng = SplitMix64(seed: 8)
        var values: [String] = []
        for _ in 0..<600 {
            let n = 1 + Int(rng.next() % 5)
            values.append((0..<n).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }.joined(separator: ", "))
        }
        for capacity in [4096, 5, 1] { _ = Self.check(values, capacity: capacity, rounds: 1) }
    }

    /// Every ASCII address header of the third-party corpora and isemail's addresses, read through one memo, as
    /// real mail names the same people again.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus comparison skipped"))
    func corpusHeadersReadTheSameWithAMemo() throws {
        let values = try AddressListSimpleTests.corpusValues()
        #expect(values.count > 300)
        for capacity in [4096, 7] { _ = Self.check(values, capacity: capacity) }
    }

    /// Whole messages: every single-message file of the corpora normalized one after another with one memo (as a
    /// worker does), LF and CR LF, gives the records normalized without one.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus comparison skipped"))
    func corpusMessagesNormalizeTheSameWithAMemo() throws {
        let memo = AddressMemo(capacity: 64)
        var compared = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            for m in [bytes, NormalizeFixture.crlf(bytes)] {
                let copy = NormalizeFixture.copy(url.lastPathComponent, size: m.count)
                func line(_ memo: AddressMemo?) -> [UInt8] {
                    switch m.withUnsafeBytes({
                        Normalizer.normalize(copy: copy, bytes: $0, settings: NormalizeFixture.settings, memo: memo)
                    }) {
                    case .message(let r): return r.jsonBytes()
                    case .quarantined(let q): return q.jsonBytes()
                    }
                }
                #expect(line(memo) == line(nil), "\(url.lastPathComponent)")
                compared += 1
            }
        }
        #expect(compared > 500)
        #expect(memo.hits > 0)
    }
}
