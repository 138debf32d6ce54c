import Testing
@testable import MailroomCore

/// The same email received directly and through a mailing list (or another route) is one message; a Message-ID
/// reused with another sender or date is another one. Fields as normalize gives them for such copies: the same
/// Message-ID, From and Date (UTC), another content hash (subject tag, footer), list headers among the bulk
/// reasons.
@Suite struct ListCopyDedupeTests {
    static let id = "CAF1142x9PriyaN@mail.contoso.example"
    static let direct = Fixture.hash(1), listHash = Fixture.hash(2), otherHash = Fixture.hash(3)
    static let date = "2026-11-10T08:15:02Z"

    static func copy(_ n: Int, id: String? = ListCopyDedupeTests.id, hash: String, from: String = "priya@contoso.example",
                     date: String? = ListCopyDedupeTests.date, list: Bool) -> NormalizedDedupeFields {
        DedupeScanTests.fields(n, id: id, hash: hash, from: from, date: date,
                               subject: list ? "[support] Order 1142 arrived damaged" : "Order 1142 arrived damaged",
                               bulk: list ? ["list-unsubscribe", "list-id", "precedence"] : [])
    }

    @Test func theSameIdSenderAndDateWithOtherContentIsOneMessage() {
        var d = MessageDeduplicator()
        #expect(d.observe(messageId: Self.id, contentHash: Self.direct, sender: "priya@contoso.example", date: Self.date)
            == .keep(key: "mid:" + Self.id))
        #expect(d.observe(messageId: Self.id, contentHash: Self.listHash, sender: "priya@contoso.example", date: Self.date)
            == .duplicate(of: "mid:" + Self.id, reason: "list-or-transport-copy"))
        #expect(d.observe(messageId: Self.id, contentHash: Self.direct, sender: "priya@contoso.example", date: Self.date)
            == .duplicate(of: "mid:" + Self.id, reason: "same-message-id"))
        #expect(d.keptCount == 1 && d.lastIdentity == 0 && !d.lastReusesId)
    }

    @Test func anIdReusedWithAnotherSenderOrAnotherDateOrNoDateIsAnotherMessage() {
        var d = MessageDeduplicator()
        let h = ["1111111111110000", "2222222222220000", "3333333333330000", "4444444444440000"].map {
            $0 + String(repeating: "0", count: 48)
        }
        #expect(d.observe(messageId: "x@localhost", contentHash: h[0], sender: "alex@cloudbench.example", date: Self.date)
            == .keep(key: "mid:x@localhost"))
        // Another sender, same date.
        #expect(d.observe(messageId: "x@localhost", contentHash: h[1], sender: "m.garcia@bluefin.example", date: Self.date)
            == .keep(key: "mid:x@localhost#222222222222"))
        // Same sender, another date.
        #expect(d.observe(messageId: "x@localhost", contentHash: h[2], sender: "alex@cloudbench.example",
                          date: "2026-11-10T08:15:03Z") == .keep(key: "mid:x@localhost#333333333333"))
        // No readable date never matches by sender and date.
        #expect(d.observe(messageId: "x@localhost", contentHash: h[3], sender: "alex@cloudbench.example", date: nil)
            == .keep(key: "mid:x@localhost#444444444444"))
        // A list's copy of the second message joins that message, not the first.
        #expect(d.observe(messageId: "x@localhost", contentHash: Fixture.hash(9), sender: "m.garcia@bluefin.example",
                          date: Self.date) == .duplicate(of: "mid:x@localhost#222222222222", reason: "list-or-transport-copy"))
        #expect(d.lastIdentity == 1 && d.lastReusesId)
        #expect(d.observe(messageId: "x@localhost", contentHash: h[3], sender: "alex@cloudbench.example", date: nil)
            == .duplicate(of: "mid:x@localhost#444444444444", reason: "same-message-id"))
        #expect(d.keptCount == 4)
    }

    /// The sender is the From addresses' match keys, so the case of the local part (as list servers sometimes
    /// rewrite it) does not matter; the date is normalize's UTC date, so a Date header re-rendered in another zone
    /// for the same instant is the same date.
    @Test func senderAndDateAreComparedAsNormalized() {
        var d = MessageDeduplicator()
        var direct = Fixture.message(messageId: Self.id, hash: Self.direct, date: Self.date,
                                     from: [Fixture.address("Priya.Natarajan@Contoso.example")])
        var list = direct
        list.contentHash = Self.listHash
        list.from = [Fixture.address("priya.natarajan@contoso.example")]
        #expect(d.observe(direct) == .keep(key: "mid:" + Self.id))
        #expect(d.observe(list) == .duplicate(of: "mid:" + Self.id, reason: "list-or-transport-copy"))
        direct.from = [Fixture.address("someone.else@contoso.example")]
        direct.contentHash = Self.otherHash
        #expect(d.observe(direct) == .keep(key: "mid:" + Self.id + "#" + String(Self.otherHash.prefix(12))))
    }

    /// A message with several authors: the sender is the set of their match keys, as the store keeps a message's
    /// From participants (no order), so dedupe, `review`'s duplicate-message check and IMAP re-identification
    /// compare the same thing; a copy listing the authors in another order is the same message.
    @Test func theSameAuthorsInAnotherOrderAreTheSameSender() {
        let ab = MessageDeduplicator.sender(["priya@contoso.example", "anil@contoso.example"])
        let ba = MessageDeduplicator.sender(["anil@contoso.example", "priya@contoso.example"])
        #expect(ab == ba && ab == "anil@contoso.example,priya@contoso.example")
        var d = MessageDeduplicator()
        #expect(d.observe(messageId: Self.id, contentHash: Self.direct, sender: ab, date: Self.date)
            == .keep(key: "mid:" + Self.id))
        var list = Fixture.message(messageId: Self.id, hash: Self.listHash, date: Self.date,
                                   from: [Fixture.address("anil@contoso.example"), Fixture.address("Priya@contoso.example")])
        #expect(d.observe(list) == .duplicate(of: "mid:" + Self.id, reason: "list-or-transport-copy"))
        list.from = [Fixture.address("anil@contoso.example")]
        list.contentHash = Self.otherHash
        #expect(d.observe(list) == .keep(key: "mid:" + Self.id + "#" + String(Self.otherHash.prefix(12))))
    }

    @Test func theDirectCopyIsShownWhenItComesFirst() {
        let (scan, dropped, written) = DedupeScanTests.passes([Self.copy(0, hash: Self.direct, list: false),
                                                               Self.copy(1, hash: Self.listHash, list: true)])
        #expect(dropped.map(\.reason) == ["list-or-transport-copy"])
        #expect(dropped.map(\.copyId) == ["m/INBOX/1"])
        #expect(scan.mergedCopies == 1 && scan.duplicates == 1 && scan.unique == 1)
        #expect(written.map(\.line) == [0])
        #expect(written.map(\.key) == ["mid:" + Self.id])
        #expect(written.map(\.copies) == [["m/INBOX/0", "m/INBOX/1"]])
    }

    /// The list's copy came first: the message is written at the direct copy's line (its fields are that line's),
    /// under the key of its first copy, with its copies in input order.
    @Test func theDirectCopyIsShownWhenTheListCopyComesFirst() {
        let lines = [Self.copy(0, hash: Self.listHash, list: true), Self.copy(1, id: "other@x", hash: Self.otherHash, list: false),
                     Self.copy(2, hash: Self.listHash, list: true), Self.copy(3, hash: Self.direct, list: false),
                     Self.copy(4, hash: Self.direct, list: false)]
        let (scan, dropped, written) = DedupeScanTests.passes(lines)
        #expect(dropped.map(\.reason) == ["same-message-id", "list-or-transport-copy", "list-or-transport-copy"])
        #expect(scan.mergedCopies == 2 && scan.duplicates == 3 && scan.unique == 2)
        #expect(written.map(\.line) == [1, 3])
        #expect(written.map(\.key) == ["mid:other@x", "mid:" + Self.id])
        #expect(written[1].copies == ["m/INBOX/0", "m/INBOX/2", "m/INBOX/3", "m/INBOX/4"])
    }

    /// A subject tag alone (a list that adds no List-* headers) or list headers alone (Google Groups adds no tag)
    /// still tell the list's copy; among equally decorated copies the first is shown.
    @Test func theLeastDecoratedCopyIsShownEarliestFirst() {
        let tagged = "Re: [support] Order 1142 arrived damaged", plain = "Order 1142 arrived damaged"
        let tagOnly = DedupeScanTests.fields(1, id: Self.id, hash: Self.otherHash, from: "priya@contoso.example",
                                             date: Self.date, subject: tagged)
        let headersOnly = DedupeScanTests.fields(0, id: Self.id, hash: Self.listHash, from: "priya@contoso.example",
                                                 date: Self.date, subject: plain, bulk: ["list-id"])
        let alsoTagged = DedupeScanTests.fields(3, id: Self.id, hash: Fixture.hash(8), from: "priya@contoso.example",
                                                date: Self.date, subject: "Re: [x] y")
        let (_, _, written) = DedupeScanTests.passes([Self.copy(2, hash: Fixture.hash(7), list: true), headersOnly, tagOnly,
                                                      alsoTagged])
        #expect(written.map(\.line) == [2])
        let (_, _, same) = DedupeScanTests.passes([Self.copy(0, hash: Self.listHash, list: true),
                                                   Self.copy(1, hash: Self.otherHash, list: true)])
        #expect(same.map(\.line) == [0])
    }

    @Test(arguments: [
        ("[support] Order 1142", true), ("Re: [support] Order 1142", true), ("RE: AW: [ops] Hi", true),
        ("  [support]   Hello", true), ("Order 1142", false), ("[Fwd: Order 1142]", false), ("[support] ", false),
        ("Order [1142] arrived", false), ("", false), ("[unclosed Order", false),
    ])
    func aSubjectTagIsABracketBeforeTheSubject(_ subject: String, _ tagged: Bool) {
        #expect(CopyDecoration.hasSubjectTag(subject) == tagged)
    }

    @Test func decorationCountsListHeadersAboveTheSubjectTag() {
        #expect(CopyDecoration.score(subject: "Hello", bulk: []) == 0)
        #expect(CopyDecoration.score(subject: "[list] Hello", bulk: []) == 1)
        #expect(CopyDecoration.score(subject: "Hello", bulk: ["list-id"]) == 2)
        #expect(CopyDecoration.score(subject: "[list] Hello", bulk: ["precedence", "list-unsubscribe"]) == 3)
        #expect(CopyDecoration.score(subject: "Hello", bulk: ["auto-submitted", "noreply-sender"]) == 0)
    }
}
