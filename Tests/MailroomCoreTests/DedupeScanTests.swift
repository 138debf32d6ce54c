import Testing
@testable import MailroomCore

@Suite struct DedupeScanTests {
    static func fields(_ copy: Int, id: String?, hash: String, from: String = "a@x.example",
                       date: String? = "2026-11-10T08:15:02Z", subject: String = "Hello",
                       bulk: [String] = []) -> NormalizedDedupeFields {
        var m = Fixture.message(copyId: "m/INBOX/\(copy)", mailbox: "m", messageId: id, hash: hash, date: date,
                                subject: subject, from: [Fixture.address(from)], bulk: bulk)
        m.folder = "INBOX"
        return NormalizedDedupeFields(m)
    }

    /// Runs both passes; returns the dropped copies and, per identity written, its line, key and copy ids.
    static func passes(_ lines: [NormalizedDedupeFields]) -> (scan: DedupeScan, dropped: [DroppedCopy],
                                                               written: [(line: Int, key: String, copies: [String])]) {
        var scan = DedupeScan()
        let dropped = lines.compactMap { scan.add($0) }
        scan.endFirstPass()  // as dedupe does: the second pass works without the deduplicator's tables
        var written: [(line: Int, key: String, copies: [String])] = []
        for (line, f) in lines.enumerated() {
            if let (key, copies) = scan.identity(atLine: line, f.identity) {
                written.append((line, key, copies.map(\.copyId)))
            }
        }
        return (scan, dropped, written)
    }

    /// Each identity is written once, at its first copy, with every copy in input order, under the key the
    /// deduplicator gives it; the dropped copies name that key.
    @Test func theSecondPassWritesEachIdentityOnceWithAllItsCopies() {
        let lines = [Self.fields(0, id: "a@x", hash: "h1"), Self.fields(1, id: nil, hash: "h2"),
                     Self.fields(2, id: "a@x", hash: "h1"),
                     Self.fields(3, id: "a@x", hash: "h3aaaaaaaaaaaaaa", date: "2026-11-11T00:00:00Z"),
                     Self.fields(4, id: nil, hash: "h2"),
                     Self.fields(5, id: "a@x", hash: "h3aaaaaaaaaaaaaa", date: "2026-11-11T00:00:00Z")]
        let (scan, dropped, written) = Self.passes(lines)
        #expect(dropped.map(\.copyId) == ["m/INBOX/2", "m/INBOX/4", "m/INBOX/5"])
        #expect(dropped.map(\.key) == ["mid:a@x", "hash:h2", "mid:a@x#h3aaaaaaaaaa"])
        #expect(scan.duplicates == 3 && scan.unique == 3 && scan.lines == 6 && scan.mergedCopies == 0)
        #expect(written.map(\.key) == ["mid:a@x", "hash:h2", "mid:a@x#h3aaaaaaaaaa"])
        #expect(written.map(\.line) == [0, 1, 3])
        #expect(written.map(\.copies) == [["m/INBOX/0", "m/INBOX/2"], ["m/INBOX/1", "m/INBOX/4"], ["m/INBOX/3", "m/INBOX/5"]])
    }

    /// The fields normalize hands to dedupe's first pass are the ones dedupe reads from the line it wrote.
    @Test func identityFieldsOfARecordEqualThoseReadFromItsLine() throws {
        for id in [nil, "a@x.example"] {
            var m = Fixture.message(copyId: "m/INBOX/7", messageId: id, subject: "Hi")
            m.flags = ["seen", "flagged"]
            m.from = [Fixture.address("ann@x.example", name: "Ann"), Fixture.address("bob@x.example")]
            m.date = id == nil ? nil : "2026-11-10T08:15:02Z"
            m.bulk = ["list-id"]
            let read = try NormalizedIdentityFields(jsonBytes: m.jsonBytes())
            #expect(NormalizedIdentityFields(m) == read)
            let first = try NormalizedDedupeFields(jsonBytes: m.jsonBytes())
            #expect(NormalizedDedupeFields(m) == first)
            #expect(first.fromKeys == ["ann@x.example", "bob@x.example"] && first.bulk == ["list-id"])
            #expect(first.identity == read)
        }
    }

    /// Message-IDs and hashes are one identity exactly when they are equal as Strings: canonically equivalent
    /// spellings (precomposed and decomposed é) are the same id, as they were with `String`-keyed dictionaries.
    @Test func canonicallyEquivalentIdsAreOneIdentity() {
        var d = MessageDeduplicator()
        let hash = String(repeating: "ab", count: 32)
        #expect(d.observe(messageId: "caf\u{E9}@x.example", contentHash: hash) == .keep(key: "mid:caf\u{E9}@x.example"))
        #expect(d.observe(messageId: "cafe\u{301}@x.example", contentHash: hash)
            == .duplicate(of: "mid:cafe\u{301}@x.example", reason: MessageDeduplicator.sameMessageId))
        #expect(d.lastIdentity == 0)
        #expect(d.observe(messageId: "Caf\u{E9}@x.example", contentHash: hash) == .keep(key: "mid:Caf\u{E9}@x.example"))
        #expect(d.lastIdentity == 1)
    }
}
