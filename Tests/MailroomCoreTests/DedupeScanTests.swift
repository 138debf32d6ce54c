import Testing
@testable import MailroomCore

@Suite struct DedupeScanTests {
    static func fields(_ copy: Int, id: String?, hash: String) -> NormalizedIdentityFields {
        var f = try! NormalizedIdentityFields(json: .object(["copyId": .string("m/INBOX/\(copy)"), "mailbox": .string("m"),
                                                               "folder": .string("INBOX"), "flags": .array([]),
                                                               "contentHash": .string(hash)]))
        f.messageId = id
        return f
    }

    /// Each identity is written once, at its first copy, with every copy in input order, under the key the
    /// deduplicator gives it; the dropped copies name that key.
    @Test func theSecondPassWritesEachIdentityOnceWithAllItsCopies() {
        let lines = [Self.fields(0, id: "a@x", hash: "h1"), Self.fields(1, id: nil, hash: "h2"),
                     Self.fields(2, id: "a@x", hash: "h1"), Self.fields(3, id: "a@x", hash: "h3aaaaaaaaaaaaaa"),
                     Self.fields(4, id: nil, hash: "h2"), Self.fields(5, id: "a@x", hash: "h3aaaaaaaaaaaaaa")]
        var scan = DedupeScan()
        let dropped = lines.compactMap { scan.add($0) }
        #expect(dropped.map(\.copyId) == ["m/INBOX/2", "m/INBOX/4", "m/INBOX/5"])
        #expect(dropped.map(\.key) == ["mid:a@x", "hash:h2", "mid:a@x#h3aaaaaaaaaa"])
        #expect(scan.duplicates == 3 && scan.unique == 3 && scan.lines == 6)
        var written: [(String, [String])] = []
        for (line, f) in lines.enumerated() {
            if let (key, copies) = scan.identity(atLine: line, number: written.count, f) {
                written.append((key, copies.map(\.copyId)))
            }
        }
        #expect(written.map(\.0) == ["mid:a@x", "hash:h2", "mid:a@x#h3aaaaaaaaaa"])
        #expect(written.map(\.1) == [["m/INBOX/0", "m/INBOX/2"], ["m/INBOX/1", "m/INBOX/4"], ["m/INBOX/3", "m/INBOX/5"]])
    }

    /// The fields normalize hands to dedupe's first pass are the ones dedupe reads from the line it wrote.
    @Test func identityFieldsOfARecordEqualThoseReadFromItsLine() throws {
        for id in [nil, "a@x.example"] {
            var m = Fixture.message(copyId: "m/INBOX/7", messageId: id, subject: "Hi")
            m.flags = ["seen", "flagged"]
            let read = try NormalizedIdentityFields(jsonBytes: m.jsonBytes())
            #expect(NormalizedIdentityFields(m) == read)
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
