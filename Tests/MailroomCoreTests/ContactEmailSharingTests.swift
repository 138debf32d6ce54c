import Testing
@testable import MailroomCore

/// `ContactEmail` keeps values that are equal byte for byte as one string (a CRM's contacts are held whole during a
/// run), and never one for another that is only canonically equivalent.
@Suite struct ContactEmailSharingTests {
    /// The address of a string's bytes (heap strings of 16 bytes or more; small strings have none to share).
    static func storage(_ s: String?) -> UnsafeRawPointer? {
        s?.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test func equalValuesAreOneStringAndKeepTheirBytes() {
        let raw = String("dana.reyes@northwind.example".utf8.map { Character(UnicodeScalar($0)) })
        let copy = String(decoding: Array(raw.utf8), as: UTF8.self)  // another string with the same bytes
        let e = ContactEmail(raw: raw, address: copy, key: String(decoding: Array(raw.utf8), as: UTF8.self),
                             foldedKey: String(decoding: Array(raw.utf8), as: UTF8.self), issue: nil)
        #expect(e.raw == raw && e.address == raw && e.key == raw && e.foldedKey == raw)
        #expect(Self.storage(copy) != Self.storage(raw))
        #expect(Self.storage(e.address) == Self.storage(e.raw))
        #expect(Self.storage(e.key) == Self.storage(e.raw))
        #expect(Self.storage(e.foldedKey) == Self.storage(e.raw))

        // A raw spelling with capitals: address and key differ from it; the folded key is the key.
        let upper = ContactEmail(raw: "Dana.Reyes+crm@Northwind.example", address: "Dana.Reyes+crm@northwind.example",
                                 key: "dana.reyes+crm@northwind.example", foldedKey: "dana.reyes@northwind.example",
                                 issue: nil)
        #expect(upper.raw == "Dana.Reyes+crm@Northwind.example" && upper.address == "Dana.Reyes+crm@northwind.example")
        #expect(upper.key == "dana.reyes+crm@northwind.example" && upper.foldedKey == "dana.reyes@northwind.example")
        let folded = ContactEmail(raw: "Dana.Reyes@Northwind.example", address: "dana.reyes@northwind.example",
                                  key: String(decoding: Array("dana.reyes@northwind.example".utf8), as: UTF8.self),
                                  foldedKey: String(decoding: Array("dana.reyes@northwind.example".utf8), as: UTF8.self),
                                  issue: nil)
        #expect(Self.storage(folded.key) == Self.storage(folded.address))
        #expect(Self.storage(folded.foldedKey) == Self.storage(folded.address))
        // Unusable: nils stay nil.
        let bad = ContactEmail(raw: "not an address", address: nil, key: nil, foldedKey: nil, issue: "address-invalid")
        #expect(bad.address == nil && bad.key == nil && bad.foldedKey == nil && bad.issue == "address-invalid")
    }

    /// "é" precomposed and decomposed compare equal as `String`s but are other bytes: each keeps its own.
    @Test func canonicallyEquivalentSpellingsKeepTheirOwnBytes() {
        let composed = "ren\u{E9}.dupont-longer-than-sixteen@example.fr"
        let decomposed = "rene\u{301}.dupont-longer-than-sixteen@example.fr"
        #expect(composed == decomposed)
        let e = ContactEmail(raw: decomposed, address: composed, key: composed, foldedKey: decomposed, issue: nil)
        #expect(Array(e.raw.utf8) == Array(decomposed.utf8))
        #expect(Array(e.address!.utf8) == Array(composed.utf8))
        #expect(Array(e.key!.utf8) == Array(composed.utf8))
        #expect(Array(e.foldedKey!.utf8) == Array(decomposed.utf8))
        // Written and read back, the bytes are the same.
        let back = try? ContactEmail(json: JSONParser.parse(e.jsonBytes()))
        #expect(back.map { Array($0.jsonBytes()) } == e.jsonBytes())
    }
}
