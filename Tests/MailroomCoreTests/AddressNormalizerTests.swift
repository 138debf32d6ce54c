import Testing
@testable import MailroomCore

@Suite struct AddressNormalization {
    @Test(arguments: [
        ("Jane.Doe@Example.COM", "Jane.Doe@example.com", "jane.doe@example.com", "example.com"),
        ("<ops@bücher.example>", "ops@xn--bcher-kva.example", "ops@xn--bcher-kva.example", "bücher.example"),
        ("ops@XN--BCHER-KVA.example", "ops@xn--bcher-kva.example", "ops@xn--bcher-kva.example", "bücher.example"),
        ("\"john doe\"@example.org", "\"john doe\"@example.org", "\"john doe\"@example.org", "example.org"),
    ])
    func addressesNormalizeToOneCanonicalForm(raw: String, address: String, key: String, unicodeDomain: String) throws {
        let a = try #require(AddressNormalizer.parse(raw))
        #expect(a.address == address)
        #expect(a.key == key)
        #expect(a.domainUnicode == unicodeDomain)
    }

    @Test(arguments: ["", "no-at-sign", "a@", "@b.example", "a b@c.example", "x@-bad-.example", "x@a..b"])
    func unusableAddressesAreRejected(raw: String) {
        #expect(AddressNormalizer.parse(raw) == nil)
    }

    @Test func providerFoldingRemovesTagsAndGmailDots() {
        #expect(AddressNormalizer.foldedKey(local: "J.Doe+crm", domain: "googlemail.com") == "jdoe@gmail.com")
        #expect(AddressNormalizer.foldedKey(local: "j.doe+crm", domain: "example.com") == "j.doe@example.com")
    }

    @Test(arguments: [
        "", "a", "jane.doe", ".jane", "jane.", "ja..ne", "j+tag", "a!#$%&'*+-/=?^_`{|}~b", "john doe", "a\"b", "a\\b",
        "a,b", "a(b)", "a<b>", "a[b]", "a:b", "a;b", "a@b", "tab\there", "café", "caf\u{E9}..x", ".\u{301}x", "x.\u{301}",
        "a.\u{301}.b", "ü.", "日本", "Ω.x",
    ])
    func asciiQuotingTestMatchesTheGeneralTest(local: String) {
        #expect(AddressNormalizer.needsQuoting(local) == AddressNormalizer.needsQuotingGeneral(local))
    }

    @Test(arguments: [
        "example.com", "example.com.", "example.com..", "EXAMPLE.com", "Example.Com", "sub.example.co.uk", "a-b.example",
        "-ab.example", "ab-.example", "a--b.example", "xn--bcher-kva.example", "XN--BCHER-KVA.example",
        "abxn--c.example", "bücher.example", "a_b.example", " example.com", "example.com ", "\texample.com",
        "\r\nexample.com", "example.com\r\n", "", ".", "..", "a..b", "1.2.3.4", "[1.2.3.4]", "exa mple.com",
        String(repeating: "a", count: 63) + ".example", String(repeating: "a", count: 64) + ".example",
        Array(repeating: "abcdefghi", count: 26).joined(separator: "."), "ex\u{301}ample.com", "example．com",
    ])
    func plainDomainFastPathMatchesTheGeneralConversion(domain: String) {
        #expect(DomainName.toASCII(domain) == DomainName.toASCIIGeneral(domain))
        if let fast = DomainName.plainASCII(domain) { #expect(fast == DomainName.toASCIIGeneral(domain)) }
    }
}

/// Contacts files are read by bytes when their text is ASCII (`AddressNormalizer.parseASCII`, the `+` of
/// `foldedKey`, `ContactsCSV.splitEmails`), by Characters otherwise; on ASCII text both give the same result,
/// over texts made of the bytes those readers look for, CR LF (one Character of two bytes) among them.
@Suite struct ASCIIContactReadingTests {
    static let pieces = ["a", "B", "x.y", "@", "<", ">", "\"", ",", ";", " ", "\t", "\r", "\n", "\r\n", "+", "+tag",
                         "mailto:", "MAILTO:", "MailTo:", "\\", ".", "..", "example.com", "gmail.com", "xn--bcher-kva.example",
                         "-", "_", "(", ")", "mailto\u{1A}", "MAILTO\u{1A}"]
        + (0..<128).map { String(UnicodeScalar(UInt8($0))) }  // every ASCII byte: `:` is not another byte with 0x20 set

    static func texts(_ count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...9, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }
    }

    @Test func anASCIIAddressIsParsedByItsBytesAsByItsCharacters() {
        var parsed = 0
        // Random texts, and texts shaped as an address with random ends and parts.
        var rng = SplitMix64(seed: 19)
        let localPieces = ["a", "B", "x.y", "+tag", "+", "-", "_", ".", "..", "1", "\"", "\\", " ", "MAILTO:"]
        let shaped = (0..<10_000).map { _ in
            let local = (0..<Int.random(in: 1...5, using: &rng)).map { _ in localPieces.randomElement(using: &rng)! }.joined()
            let ends = ["", "<", ">", "mailto:", "MailTo:<", " ", "\"", "\r\n", "\t"]
            let domains = ["example.com", "gmail.com", "b.example", "xn--bcher-kva.example", "a..b", "-x-.example", ""]
            return ends.randomElement(using: &rng)! + local + "@" + domains.randomElement(using: &rng)! + ends.randomElement(using: &rng)!
        }
        for raw in Self.texts(20_000, seed: 17) + shaped + ["<a@b.example>", "mailto:a@b.example", "\"a b\"@c.example", "<>", "<",
                                                   "\"@b.example", "a\r\n@b.example", "<mailto:x@y.example>",
                                                   "mailto\u{1A}a@b.example", "MAILTO\u{1A}a@b.example"] {
            let t = raw.trimmingASCIISpaces()
            let bytes = AddressNormalizer.parseASCII(t)
            #expect(bytes == AddressNormalizer.parseByCharacter(t), "\(raw.debugDescription)")
            #expect(AddressNormalizer.parse(raw) == bytes)
            if bytes != nil { parsed += 1 }
        }
        #expect(parsed > 500)  // the texts reach the parser's end, not only its refusals
    }

    @Test func anASCIILocalPartLosesItsTagAsByCharacters() {
        for local in Self.texts(5_000, seed: 23) {
            for domain in ["example.com", "gmail.com"] {
                // `foldedKey` as it read the local part by Characters.
                var l = local.lowercased()
                if let plus = l.firstIndex(of: "+"), plus != l.startIndex { l = String(l[..<plus]) }
                var d = domain
                if d == "gmail.com" { l.removeAll { $0 == "." } }
                d = domain
                let expected = (AddressNormalizer.needsQuoting(l) ? AddressNormalizer.quote(l) : l) + "@" + d
                #expect(AddressNormalizer.foldedKey(local: local, domain: domain) == expected, "\(local.debugDescription)")
            }
        }
    }

    @Test func anASCIIEmailsCellSplitsByItsBytesAsByItsCharacters() {
        for cell in Self.texts(20_000, seed: 29) + ["", ";", " ; ;", "a@b.example;c@d.example", "a\r\n;b"] {
            #expect(ContactsCSV.splitEmails(cell) == ContactsCSV.splitEmailsByCharacter(cell), "\(cell.debugDescription)")
        }
    }

    /// `make` writes address and key in one allocation each, and gives a local part without capitals its address
    /// as key: both equal the concatenations they replace, for ASCII and non-ASCII local parts, quoted ones too.
    @Test func addressAndKeyEqualTheirConcatenations() {
        var made = 0
        for local in Self.texts(20_000, seed: 31) + ["Ünïcode", "ÉLodie", "élodie", "o'neil", "a b", "x\u{301}", "ÄBC+Tag"] {
            for domain in ["example.com", "Bücher.Example", "gmail.com"] {
                guard let a = AddressNormalizer.make(local: local, domain: domain) else { continue }
                made += 1
                let shown = AddressNormalizer.needsQuoting(a.local) ? AddressNormalizer.quote(a.local) : a.local
                #expect(a.address == shown + "@" + a.domain, "\(local.debugDescription)")
                #expect(a.key == shown.lowercased() + "@" + a.domain, "\(local.debugDescription)")
            }
        }
        #expect(made > 1000)
    }

    /// Display names lose one pair of surrounding quotes, `'` then `"`; ASCII names are looked at by bytes,
    /// others by Characters (a combining mark after a quote makes one Character with it: not a quote).
    @Test func quotedNamesAreFoundByBytesAsByCharacters() {
        let names = Self.texts(20_000, seed: 37).map { "'" + $0 } + Self.texts(5_000, seed: 41).map { "\"" + $0 + "\"" }
            + ["'", "''", "\"\"", "'\u{301}Bob'", "'Bob\u{301}'", "\u{600}'Bob'", "'Léa'", "\"'Bob'\"", "'\"Bob\"'"]
        for name in names {
            for q in ["'", "\""] {
                let byCharacter = name.hasPrefix(q) && name.hasSuffix(q) && name.count >= 2
                #expect(AddressList.isQuoted(name, by: q.utf8.first!) == byCharacter, "\(name.debugDescription)")
            }
        }
        #expect(AddressList.cleanName("'Bob'") == "Bob")
        #expect(AddressList.cleanName("\"' Bob '\"") == "' Bob '")
        #expect(AddressList.cleanName("'\"Bob\"'") == "Bob")
        #expect(AddressList.cleanName("'\u{301}Bob'") == "'\u{301}Bob'")
    }

    @Test func nonASCIITextIsStillReadByCharacters() {
        // A combining accent after `@` or `;` makes one Character with it: neither is a separator there.
        #expect(AddressNormalizer.parse("a@\u{301}b@c.example")?.local == "a@\u{301}b")
        #expect(ContactsCSV.splitEmails("a@b.example;\u{301}c@d.example") == ["a@b.example;\u{301}c@d.example"])
        #expect(ContactsCSV.splitEmails("é@b.example; c@d.example") == ["é@b.example", "c@d.example"])
    }
}
