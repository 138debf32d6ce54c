import Testing
@testable import MailroomCore

@Suite struct MessageDeduplication {
    private func decisions(_ messages: [NormalizedMessage]) -> [DedupeDecision] {
        var d = MessageDeduplicator()
        return messages.map { d.observe($0) }
    }

    @Test func theSameMessageIdWithTheSameContentIsADuplicate() {
        let m = Fixture.message(messageId: "a@x.example", hash: Fixture.hash(1))
        #expect(decisions([m, m, m]) == [
            .keep(key: "mid:a@x.example"),
            .duplicate(of: "mid:a@x.example", reason: "same-message-id"),
            .duplicate(of: "mid:a@x.example", reason: "same-message-id"),
        ])
    }

    @Test func theSameMessageIdWithOtherContentIsAnotherMessage() {
        let h2 = "1234567890abcdef" + String(repeating: "0", count: 48)
        let first = Fixture.message(messageId: "a@x.example", hash: Fixture.hash(1))
        let other = Fixture.message(messageId: "a@x.example", hash: h2)
        #expect(decisions([first, other, other, first]) == [
            .keep(key: "mid:a@x.example"),
            .keep(key: "mid:a@x.example#1234567890ab"),
            .duplicate(of: "mid:a@x.example#1234567890ab", reason: "same-message-id"),
            .duplicate(of: "mid:a@x.example", reason: "same-message-id"),
        ])
    }

    @Test func messagesWithoutIdAreKeyedByContentHash() {
        let a = Fixture.message(hash: Fixture.hash(1))
        let b = Fixture.message(hash: Fixture.hash(2))
        #expect(decisions([a, b, a]) == [
            .keep(key: "hash:" + Fixture.hash(1)),
            .keep(key: "hash:" + Fixture.hash(2)),
            .duplicate(of: "hash:" + Fixture.hash(1), reason: "same-content-hash"),
        ])
    }

    @Test func aMessageWithIdAndOneWithoutAreNeverMerged() {
        let withId = Fixture.message(messageId: "a@x.example", hash: Fixture.hash(1))
        let withoutId = Fixture.message(hash: Fixture.hash(1))
        #expect(decisions([withId, withoutId]) == [
            .keep(key: "mid:a@x.example"),
            .keep(key: "hash:" + Fixture.hash(1)),
        ])
    }

    @Test func keptIdentitiesAreCounted() {
        var d = MessageDeduplicator()
        for n in [1, 2, 1, 3, 3] { _ = d.observe(Fixture.message(hash: Fixture.hash(n))) }
        #expect(d.keptCount == 3)
    }
}
