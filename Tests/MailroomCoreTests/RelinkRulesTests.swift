import Testing
@testable import MailroomCore

/// `RelinkRules.relink`: one stored thread recomputed as a fresh load would store it.
@Suite struct RelinkRulesTests {
    static func contact(_ id: String, _ raws: [String]) -> Contact {
        Contact(id: id, name: id, emails: raws.map(ContactsCSV.contactEmail), line: 0)
    }

    static func rules(ownDomains: [String] = ["northwind.example"], contacts: [Contact] = [],
                      owners: [String: Set<String>] = ["a": ["dana@northwind.example"]]) -> RelinkRules {
        RelinkRules(ownDomains: ownDomains, owners: owners, contacts: contacts, createdContacts: [], createContacts: false)
    }

    static func participant(_ role: String, _ address: String, internal: Bool = false, contact: String? = nil,
                            rule: String? = nil) -> StoredParticipant {
        StoredParticipant(role: role, address: address, isInternal: `internal`, contactId: contact, rule: rule)
    }

    static func thread(visibility: String = "customer", cls: String = "unmatched", mailboxes: [String] = ["a"],
                       direction: String = "received", _ ps: [StoredParticipant]) -> StoredThread {
        StoredThread(id: "t1", subject: "Quote", visibility: visibility, classification: cls, proposedClass: cls,
                     messages: [StoredMessage(key: "m1", subject: "Quote", date: nil, direction: direction,
                                              mailboxes: mailboxes, participants: ps)])
    }

    @Test func anAddressLinksToTheContactHoldingItAndAFoldedTieLinksToNeither() {
        // The store keeps the second contact's copy without a key (held-by): the holder gets the link, as match.
        var second = Self.contact("C2", ["buyer@tailspin.example"])
        second.emails[0] = ContactEmail(raw: "buyer@tailspin.example", address: "buyer@tailspin.example", key: nil,
                                        foldedKey: nil, issue: "held-by:C1")
        let held = Self.rules(contacts: [Self.contact("C1", ["buyer@tailspin.example"]), second]).relink(Self.thread([
            Self.participant("from", "buyer@tailspin.example"),
            Self.participant("to", "dana@northwind.example", internal: true),
        ]), allowVisibilityChange: false)
        #expect(held.participants.map(\.after.contactId) == ["C1"])
        #expect(held.classification == "matched")
        #expect(held.contactsAdded == [StoredThreadContact(contactId: "C1", address: "buyer@tailspin.example", rule: "primary-email")])
        // raj+crm@ and raj+old@ fold alike: raj@ only folds to them, and is held by neither alone.
        let tie = Self.rules(contacts: [Self.contact("C3", ["raj+crm@fabrikam.example"]),
                                        Self.contact("C4", ["raj+old@fabrikam.example"])]).relink(Self.thread([
            Self.participant("from", "raj@fabrikam.example"),
        ]), allowVisibilityChange: false)
        #expect(tie.participants.isEmpty)
        #expect(tie.classification == "unmatched")
    }

    @Test func anInternalThreadBecomesVisibleOnlyWithTheFlag() {
        // Stored internal when contoso.example was an own domain; it no longer is.
        let stored = Self.thread(visibility: "internal", cls: "internal-only", [
            Self.participant("from", "mia@contoso.example", internal: true),
            Self.participant("to", "dana@northwind.example", internal: true),
        ])
        let rules = Self.rules(contacts: [Self.contact("C1", ["mia@contoso.example"])])
        let held = rules.relink(stored, allowVisibilityChange: false)
        #expect(held.heldInternal)
        #expect(held.visibility == "internal" && held.classification == "internal-only" && held.proposedClass == "matched")
        #expect(held.participants.map(\.after) == [Self.participant("from", "mia@contoso.example")])  // external, not linked
        #expect(held.contactsAdded.isEmpty)
        let allowed = rules.relink(stored, allowVisibilityChange: true)
        #expect(!allowed.heldInternal)
        #expect(allowed.visibility == "customer" && allowed.classification == "matched")
        #expect(allowed.participants.first?.after.contactId == "C1")
    }

    @Test func aThreadWhoseOnlyOutsiderBecomesInternalLosesItsLinks() {
        let stored = Self.thread(cls: "matched", [
            Self.participant("from", "mia@contoso.example", contact: "C1", rule: "primary-email"),
            Self.participant("to", "dana@northwind.example", internal: true),
        ])
        var t = stored
        t.contacts = [StoredThreadContact(contactId: "C1", address: "mia@contoso.example", rule: "primary-email")]
        let r = Self.rules(ownDomains: ["northwind.example", "contoso.example"],
                           contacts: [Self.contact("C1", ["mia@contoso.example"])]).relink(t, allowVisibilityChange: false)
        #expect(r.visibility == "internal" && r.classification == "internal-only")
        #expect(r.participants.map(\.after) == [Self.participant("from", "mia@contoso.example", internal: true)])
        #expect(r.contactsRemoved == t.contacts)
    }

    @Test func aMessageIsSentWhenItsAuthorOwnsAMailboxHoldingACopy() {
        let owners: [String: Set<String>] = ["a": ["dana@northwind.example"], "b": ["lee@northwind.example"]]
        let ps = [Self.participant("from", "Lee@northwind.example", internal: true),
                  Self.participant("to", "x@fabrikam.example")]
        let inA = Self.rules(owners: owners).relink(Self.thread(mailboxes: ["a"], ps), allowVisibilityChange: false)
        #expect(inA.directions.isEmpty)
        let inB = Self.rules(owners: owners).relink(Self.thread(mailboxes: ["a", "b"], ps), allowVisibilityChange: false)
        #expect(inB.directions.map(\.after) == ["sent"])
        // No From: the Sender is the author.
        let sender = Self.rules(owners: owners).relink(Self.thread(mailboxes: ["b"], [
            Self.participant("sender", "lee@northwind.example", internal: true)]), allowVisibilityChange: false)
        #expect(sender.directions.map(\.after) == ["sent"])
    }
}
