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

    /// Subjects made mostly of the pieces the prefix readers look for, with any ASCII byte and CR LF between.
    static func subjects(_ count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let words = ["Re", "RE", "re", "rE", "Fwd", "FW", "fw", "AW", "aw", "WG", "SV", "VS", "Antw", "ANTW", "Ref", "TR",
                     "R", "I", "RIF", "Odp", "Enc", "Res", "RV", "YNT", "Reply", "Rex", "Hello", "list", "x", "Re: ", "RE:",
                     "Re[2]: ", "AW: ", "Fwd: ", "Sv:", "re(3):", "Re^2:", "Fw.: ", "[list] ", " [a] "]
        let marks = [":", ":", " :", ".", "[", "]", "(", ")", "^", "2", "12", " ", " ", "  ", "\t", "\r\n", "[team] ",
                     "[", String(repeating: "x", count: 118), String(repeating: "y ", count: 70)]
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...10, using: &rng)).map { _ in
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4: return words.randomElement(using: &rng)!
                case 4..<9: return marks.randomElement(using: &rng)!
                default: return String(UnicodeScalar(UInt8.random(in: 0...0x7F, using: &rng)))
                }
            }.joined()
        }
    }

    /// The base subject and the reply test of ASCII subjects, by bytes, against the Character readings.
    @Test func subjectPrefixesAreReadByTheirBytesAsByTheirCharacters() {
        var replies = 0, stripped = 0
        let fixed = ["Re: [list] Fwd: Re[2]: Hello  World", "[Fwd: Hello]", "[ Fwd: Hello ]  ", "Re^3 : x", "RE(2):y",
                     "Re.: a", "Re[]: a", "[" + String(repeating: "x", count: 118) + "] Re: a",
                     "[" + String(repeating: "x", count: 119) + "] Re: a", "\r\n[a]\r\nRe: b", "re :", "Antwort: x"]
        for subject in Self.subjects(20_000, seed: 53) + fixed {
            let collapsed = HeaderText.collapsingWhiteSpace(subject)
            let base = BaseSubject.of(subject)
            #expect(base == BaseSubject.ofCollapsed(collapsed), "\(subject.debugDescription)")
            if base != collapsed.lowercased() { stripped += 1 }
            let reply = SubjectPrefix.isReply(subject)
            #expect(reply == SubjectPrefix.isReply(characters: subject), "\(subject.debugDescription)")
            #expect(SubjectPrefix.isReply(collapsed) == SubjectPrefix.isReply(characters: collapsed), "\(collapsed.debugDescription)")
            if reply { replies += 1 }
        }
        #expect(replies > 1500 && stripped > 3000, "replies \(replies), stripped \(stripped)")
        #expect(BaseSubject.of("Re: [list] Fwd: Re[2]: Hello  World") == "hello world")
        #expect(BaseSubject.of("[" + String(repeating: "x", count: 118) + "] Re: a") == "a")
        #expect(BaseSubject.of("[" + String(repeating: "x", count: 119) + "] Re: a").hasPrefix("[xxx"))
    }
}
