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
}
