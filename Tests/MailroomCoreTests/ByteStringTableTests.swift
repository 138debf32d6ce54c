import Testing
@testable import MailroomCore

@Suite struct ByteStringTableTests {
    @Test func entriesAreNumberedInInsertionOrderAndFoundExactly() {
        var t = ByteStringTable()
        #expect(t.index(of: "a@x") == nil)
        #expect(t.insert("a@x") == (0, true))
        #expect(t.insert("") == (1, true))
        #expect(t.insert("é@ü.example") == (2, true))
        #expect(t.insert("a@x") == (0, false))
        #expect(t.index(of: "") == 1)
        #expect(t.index(of: "A@x") == nil)
        #expect(t.index(of: "a@x ") == nil)
        #expect(t[2] == "é@ü.example")
        #expect(t.count == 3)
    }

    @Test func manyEntriesSurviveGrowthAndKeepTheirIndices() {
        var t = ByteStringTable()
        let n = 20_000
        for i in 0..<n { #expect(t.insert("id-\(i)@host.example").index == i) }
        #expect(t.count == n)
        for i in stride(from: 0, to: n, by: 7) {
            #expect(t.index(of: "id-\(i)@host.example") == i)
            #expect(t[i] == "id-\(i)@host.example")
        }
        #expect(t.index(of: "id-\(n)@host.example") == nil)
    }
}

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
}
