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
