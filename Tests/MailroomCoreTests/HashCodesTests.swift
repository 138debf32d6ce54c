import Testing
@testable import MailroomCore

/// The deduplicator's content hashes, kept as 32 bytes when normalize spelled them and as text otherwise: the
/// same answers as the text would give.
@Suite struct HashCodesTests {
    static let a = String(repeating: "0123456789abcdef", count: 4)
    static let b = String(repeating: "fedcba9876543210", count: 4)

    @Test func aHexHashIsKeptAsItsBytesAndSpelledBackTheSame() {
        var codes = HashCodes()
        let x = codes.intern(Self.a), y = codes.intern(Self.b)
        #expect(x >= 0 && y >= 0 && x != y)
        #expect(codes.intern(Self.a) == x)
        #expect(codes.find(Self.b) == y)
        #expect(codes.string(x) == Self.a)
        #expect(codes.string(y) == Self.b)
        #expect(codes.find(String(repeating: "1", count: 64)) == nil)
    }

    /// A digest's bytes are not text: bytes that would spell a decomposed "é" (65 CC 81) add no NFC form.
    @Test func aDigestIsKeptOnceWhateverTextItsBytesWouldSpell() {
        var codes = HashCodes()
        let decomposed = "65cc81" + String(repeating: "00", count: 29)
        let composed = "c3a9" + String(repeating: "00", count: 30)
        let x = codes.intern(decomposed), y = codes.intern(composed)
        #expect(x >= 0 && y >= 0 && x != y)
        #expect(codes.storedCount == 2)
        #expect(codes.string(x) == decomposed && codes.string(y) == composed)
    }

    /// Upper case, a digit that is not hex, another length: text, never confused with a digest of the same
    /// bytes, and canonically equivalent spellings are one hash, as `String` compares them.
    @Test func anyOtherSpellingIsKeptAsTextWithCodesBelowMinusTwo() {
        var codes = HashCodes()
        let upper = Self.a.uppercased()
        let notHex = String(Self.a.dropLast()) + "g"
        let hex = codes.intern(Self.a)
        let u = codes.intern(upper), n = codes.intern(notHex), short = codes.intern("abc")
        let composed = codes.intern("caf\u{E9}")
        for c in [u, n, short, composed] { #expect(c <= -3) }
        #expect(Set([hex, u, n, short, composed]).count == 5)
        #expect(codes.find("cafe\u{301}") == composed)
        #expect(codes.string(u) == upper)
        #expect(codes.string(n) == notHex)
        #expect(codes.string(short) == "abc")
        #expect(codes.find(upper.lowercased()) == hex)
    }

    /// Through the deduplicator: a message reusing an earlier one's Message-ID is keyed with its own hash's
    /// first 12 digits, and a later copy of it names that key (spelled back from the kept bytes).
    @Test func aReusedIdsKeyIsSpelledFromTheKeptHash() {
        var d = MessageDeduplicator()
        let date = "2026-11-10T08:15:02Z"
        #expect(d.observe(messageId: "x@y", contentHash: Self.a, sender: "a@x", date: date) == .keep(key: "mid:x@y"))
        let reused = "mid:x@y#" + String(Self.b.prefix(12))
        #expect(d.observe(messageId: "x@y", contentHash: Self.b, sender: "b@x", date: date) == .keep(key: reused))
        #expect(d.observe(messageId: "x@y", contentHash: Self.b, sender: "c@x", date: nil)
                == .duplicate(of: reused, reason: MessageDeduplicator.sameMessageId))
        #expect(d.repeatReason(messageId: "x@y", contentHash: Self.a, sender: "z@x", date: nil)
                == MessageDeduplicator.sameMessageId)
        #expect(d.repeatReason(messageId: "x@y", contentHash: Self.a.uppercased(), sender: "z@x", date: nil) == nil)
    }
}
