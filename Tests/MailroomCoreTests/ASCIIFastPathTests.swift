import Testing
@testable import MailroomCore

/// Text read per message by bytes when it is ASCII, by Characters otherwise: a charset name
/// (`HeaderText.normalizedCharset`), a copy id's digest (`MboxCopyIdentity.digest(copyId:)`) and the index of an
/// ASCII byte (`firstIndex(ofASCII:)`, `lastIndex(ofASCII:)`, which they and contacts use). On ASCII both
/// readings agree, over texts made of every ASCII byte, CR LF (one Character of two bytes) and the pieces each
/// reader looks for.
@Suite struct ASCIIFastPathTests {
    static func texts(_ count: Int, seed: UInt64, pieces extra: [String]) -> [String] {
        var rng = SplitMix64(seed: seed)
        let pieces = (0..<128).map { String(UnicodeScalar(UInt8($0))) } + ["\r\n"] + extra
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }
    }

    @Test func aCharsetNameIsNormalizedByItsBytesAsByItsCharacters() {
        let names = Self.texts(10_000, seed: 41, pieces: ["UTF-8", "iso-8859-1", "*", "*0*", "\"", "'", " ", "\t", "us-ascii"])
        for raw in names + ["  \"UTF-8\"  ", "utf-8*0*", " * x", "\r\nWindows-1252\r\n", ""] {
            #expect(HeaderText.normalizedASCIICharset(raw) == HeaderText.normalizedCharsetByCharacter(raw), "\(raw.debugDescription)")
        }
        #expect(HeaderText.normalizedCharset(" \"UTF-8\"*en ") == "utf-8")
        #expect(HeaderText.normalizedCharset(nil) == "")
    }

    /// `digest(copyId:)` as it read the id by Characters.
    static func digestByCharacter(_ copyId: String) -> UInt64? {
        guard let slash = copyId.lastIndex(of: "/") else { return nil }
        var key = copyId[copyId.index(after: slash)...]
        if let dot = key.firstIndex(of: ".") { key = key[..<dot] }
        guard key.utf8.count == 16 else { return nil }
        return UInt64(key, radix: 16).flatMap { key.allSatisfy { "0123456789abcdef".contains($0) } ? $0 : nil }
    }

    @Test func aCopyIdsDigestIsReadByItsBytesAsByItsCharacters() {
        var rng = SplitMix64(seed: 43)
        let ids = Self.texts(10_000, seed: 47, pieces: ["0123456789abcdef", "/", ".", ".2", "mbox", "INBOX"])
            + (0..<5_000).map { _ -> String in
                let hex = String((0..<16).map { _ in "0123456789abcdef".randomElement(using: &rng)! })
                return ["work", "inbox/", "a/b/", "/", ""].randomElement(using: &rng)! + "/" + hex
                    + ["", ".2", ".", "/", "\r\n"].randomElement(using: &rng)!
            }
        var found = 0
        for id in ids {
            let d = MboxCopyIdentity.digest(copyId: id)
            #expect(d == Self.digestByCharacter(id), "\(id.debugDescription)")
            if d != nil { found += 1 }
        }
        #expect(found > 1_000)
        #expect(MboxCopyIdentity.digest(copyId: "m/INBOX/00000000000000ff.3") == 255)
        #expect(MboxCopyIdentity.digest(copyId: "m/Entwürfe/00000000000000ff") == 255)  // by Characters
    }

    @Test func anASCIIBytesIndexIsItsCharactersIndex() {
        for text in Self.texts(5_000, seed: 61, pieces: ["@", "/", ".", "+", "a@b", "é", "@\u{301}", "\u{600}@"]) {
            for byte: UInt8 in [0x40, 0x2F, 0x2E, 0x2B] {
                let c = Character(Unicode.Scalar(byte))
                #expect(text.firstIndex(ofASCII: byte) == text.firstIndex(of: c), "\(text.debugDescription)")
                #expect(text.lastIndex(ofASCII: byte) == text.lastIndex(of: c), "\(text.debugDescription)")
                let tail = text.dropFirst(text.count / 2)
                #expect(tail.firstIndex(ofASCII: byte) == tail.firstIndex(of: c), "\(text.debugDescription)")
            }
        }
        #expect("a@\u{301}b".lastIndex(ofASCII: 0x40) == nil)  // `@` and the accent are one Character
    }
}
