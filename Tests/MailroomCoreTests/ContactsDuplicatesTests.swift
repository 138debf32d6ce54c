import Testing
@testable import MailroomCore

@Suite struct ContactDuplicateGroups {
    static func contact(_ id: String, _ emails: String..., line: Int = 0) -> Contact {
        Contact(id: id, name: id, emails: emails.map(ContactsCSV.contactEmail), line: line)
    }

    @Test(arguments: [
        ("ann@example.com", "ann@example.com", "same-address", "ann@example.com"),
        ("ann@example.com", "ann@EXAMPLE.com", "case-variant", "ann@example.com"),
        ("Ann@example.com", "ann@example.com", "case-variant", "ann@example.com"),
        ("jane.doe@gmail.com", "janedoe@gmail.com", "gmail-dots", "janedoe@gmail.com"),
        ("janedoe@googlemail.com", "janedoe@gmail.com", "googlemail-domain", "janedoe@gmail.com"),
        ("ann+crm@example.com", "ann@example.com", "plus-tag", "ann@example.com"),
        ("ops@bücher.example", "ops@xn--bcher-kva.example", "idn-variant", "ops@xn--bcher-kva.example"),
    ] as [(String, String, String, String)])
    func eachReasonIsNamedWithItsKeyAndWrittenAddresses(a: String, b: String, reason: String, key: String) {
        let groups = ContactDuplicates.groups([Self.contact("c1", a), Self.contact("c2", b)])
        #expect(groups == [ContactGroup(groupId: "g1", contactIds: ["c1", "c2"], reasons: [
            ContactGroupReason(reason: reason, key: key, addresses: Array(Set([a, b])).sorted()),
        ])])
    }

    @Test func severalFoldingsOnOnePairAreAllNamed() throws {
        let groups = ContactDuplicates.groups([Self.contact("a", "j.doe+x@googlemail.com"),
                                               Self.contact("b", "jdoe@gmail.com")])
        let reasons = try #require(groups.first).reasons.map(\.reason)
        #expect(reasons == ["gmail-dots", "googlemail-domain", "plus-tag"])
    }

    @Test func groupsAreTransitiveAndOrderedByFirstContact() {
        let contacts = [
            Self.contact("solo", "solo@example.com"),
            Self.contact("x1", "x@example.com"),
            Self.contact("y1", "y@example.com"),
            Self.contact("x2", "X@example.com", "x.other@gmail.com"),
            Self.contact("y2", "y+news@example.com"),
            Self.contact("x3", "xother@gmail.com"),
        ]
        let groups = ContactDuplicates.groups(contacts)
        #expect(groups.map(\.groupId) == ["g1", "g2"])
        #expect(groups.map(\.contactIds) == [["x1", "x2", "x3"], ["y1", "y2"]])
        #expect(groups[0].reasons == [
            ContactGroupReason(reason: "case-variant", key: "x@example.com", addresses: ["X@example.com", "x@example.com"]),
            ContactGroupReason(reason: "gmail-dots", key: "xother@gmail.com",
                               addresses: ["x.other@gmail.com", "xother@gmail.com"]),
        ])
    }

    @Test func aWidelySharedAddressMakesOneGroupWithOneReason() {
        let contacts = (0..<3000).map { Self.contact("c\($0)", $0 == 7 ? "Info@shop.example" : "info@shop.example") }
        let groups = ContactDuplicates.groups(contacts)
        #expect(groups.count == 1)
        #expect(groups.first?.contactIds.count == 3000)
        #expect(groups.first?.reasons == [
            ContactGroupReason(reason: "case-variant", key: "info@shop.example",
                               addresses: ["Info@shop.example", "info@shop.example"]),
            ContactGroupReason(reason: "same-address", key: "info@shop.example", addresses: ["info@shop.example"]),
        ])
    }

    @Test func aSpellingOnlyOneContactUsesIsStillComparedWithTheOthers() {
        let groups = ContactDuplicates.groups([Self.contact("a", "x@example.com", "X@example.com"),
                                               Self.contact("b", "x@example.com")])
        #expect(groups.first?.reasons.map(\.reason) == ["case-variant", "same-address"])
    }

    @Test func emailsOfOneContactDoNotMakeAGroup() {
        let groups = ContactDuplicates.groups([Self.contact("c1", "a@example.com", "A+x@example.com"),
                                               Self.contact("c2", "b@example.com")])
        #expect(groups.isEmpty)
    }

    @Test func unusableEmailsAreIgnored() {
        let groups = ContactDuplicates.groups([Self.contact("c1", "not an address"),
                                               Self.contact("c2", "not an address")])
        #expect(groups.isEmpty)
    }

    @Test func shuffledInputFindsTheSameGroupsAndReasons() {
        let contacts = (0..<40).map { Self.contact("c\($0)", "p\($0 % 7)+t\($0)@example.com") }
        func summary(_ groups: [ContactGroup]) -> Set<String> {
            Set(groups.map { g in
                g.contactIds.sorted().joined(separator: ",") + "|"
                    + g.reasons.map { "\($0.reason) \($0.key) \($0.addresses)" }.joined(separator: ";")
            })
        }
        let expected = summary(ContactDuplicates.groups(contacts))
        #expect(expected.count == 7)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5 {
            #expect(summary(ContactDuplicates.groups(contacts.shuffled(using: &rng))) == expected)
        }
    }
}
