import Testing
@testable import MailroomCore

/// `CreatedContactRules.met` on recipients as real clients write them, parsed from header text by `AddressList`:
/// Outlook's address in single quotes as the display name, Gmail's `"Last, First"`, an RFC 2047 encoded name, one
/// person under `gmail.com` with dots and a `+tag` and under `googlemail.com`. Whatever order the sightings come
/// in, the contact ends the same.
@Suite struct CreatedContactRulesTests {
    static let headers = [
        "'a.costa+crm@gmail.com' <a.costa+crm@gmail.com>",      // Outlook: the address, quoted, as the name
        "\"Costa, Ana\" <A.Costa@gmail.com>",                   // Gmail: "Last, First"
        "=?UTF-8?Q?Ana_Costa?= <acosta@googlemail.com>",        // encoded word
        "acosta@gmail.com",                                     // bare
    ]

    static func sightings() -> [Address] {
        headers.map { h in
            var issues = Set<IssueCode>()
            return AddressList.parseTokens(Array(h.utf8), pipermailAt: false, issues: &issues)[0]
        }
    }

    static func fold(_ seen: [Address]) -> CreatedContactRules.Shown {
        let first = seen[0]
        var s = CreatedContactRules.Shown(raw: first.address, key: first.key, address: first.address,
                                          name: CreatedContactRules.name(current: nil, candidate: first.name,
                                                                         display: first.address))
        for a in seen.dropFirst() {
            s = CreatedContactRules.met(s, raw: a.address, key: a.key, address: a.address,
                                        folded: AddressNormalizer.foldedKey(a), candidate: a.name)
        }
        return s
    }

    @Test func everyOrderOfTheSightingsEndsTheSame() {
        let seen = Self.sightings()
        #expect(Set(seen.map(AddressNormalizer.foldedKey)) == ["acosta@gmail.com"])
        var ends: Set<String> = []
        for p in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1], [0, 2, 1, 3], [3, 0, 2, 1]] {
            let s = Self.fold(p.map { seen[$0] })
            ends.insert("\(s.raw)|\(s.key)|\(s.address)|\(s.name)")
        }
        // The plain address (its key is the folded key), and the least real name: Outlook's quoted address is none.
        #expect(ends == ["acosta@gmail.com|acosta@gmail.com|acosta@gmail.com|Ana Costa"])
    }

    @Test func withoutARealNameTheNameFollowsTheEmail() {
        let seen = Self.sightings()
        // Outlook's sighting alone: its address names it; the bare plain address then takes the email and the name.
        var s = Self.fold([seen[0]])
        #expect(s.name == "a.costa+crm@gmail.com")
        s = Self.fold([seen[0], seen[3]])
        #expect(s.raw == "acosta@gmail.com" && s.name == "acosta@gmail.com")
        // A real name met later replaces the address, and a later address never replaces a real name.
        s = Self.fold([seen[0], seen[1], seen[3]])
        #expect(s.name == "Costa, Ana")
    }
}
