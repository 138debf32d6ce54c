import Testing
@testable import MailroomCore

/// `CleanupSuggestions`: which command each duplicate group and unmatched address gets, quoted for a shell.
@Suite struct CleanupSuggestionsTests {
    static func contact(_ id: String, _ name: String, _ emails: [String]) -> Contact {
        Contact(id: id, name: name, emails: emails.map(ContactsCSV.contactEmail), line: 0)
    }

    static func unmatched(_ address: String, _ name: String?, _ messages: Int, bulk: Bool = false) -> UnmatchedAddress {
        UnmatchedAddress(address: address, name: name, messages: messages, threads: 1, sentTo: 0, lastSeen: nil, bulkOnly: bulk)
    }

    @Test func aLikelyOwnerByNameOrLocalPartGetsAddEmailOthersAOneContactImport() {
        let contacts = [Self.contact("C2", "Samuel Okonkwo", ["samuel.okonkwo@contoso.example"]),
                        Self.contact("NEW-1", "Taken", ["taken@x.example"]),
                        Self.contact("C7", "Raj Patel", ["raj@fabrikam.example"]),
                        Self.contact("C8", "Raj Patel", ["r.patel@fabrikam.example"])]
        let s = CleanupSuggestions.make(groups: [], contacts: contacts, unmatched: [
            Self.unmatched("samuel.okonkwo@contso.example", nil, 9),       // same local part
            Self.unmatched("sam@okonkwo.example", "samuel  OKONKWO", 8),   // same name, spelled otherwise
            Self.unmatched("raj.p@gmail.com", "Raj Patel", 7),              // two contacts of that name: neither
            Self.unmatched("news@letters.example", nil, 50, bulk: true),    // bulk-only: skipped
        ])
        #expect(s.addresses.map(\.address) == ["samuel.okonkwo@contso.example", "sam@okonkwo.example", "raj.p@gmail.com"])
        #expect(s.addresses.map(\.contactId) == ["C2", "C2", nil])
        #expect(s.addresses.map(\.why) == ["same local part", "same name", nil])
        let p = CleanupSuggestions.Paths(pipeline: "pipelines/my sales.yml", contactsFile: nil)
        #expect(s.command(s.addresses[0], p) == "mailroom contacts add-email 'pipelines/my sales.yml' C2 samuel.okonkwo@contso.example")
        // NEW-1 is taken: the new contact is NEW-2.
        #expect(s.addresses[2].csvLine == "NEW-2,Raj Patel,raj.p@gmail.com")
        #expect(s.command(s.addresses[2], p) == "printf 'id,name,emails\\n%s\\n' 'NEW-2,Raj Patel,raj.p@gmail.com' > NEW-2.csv && mailroom contacts import NEW-2.csv --pipeline 'pipelines/my sales.yml'")
    }

    @Test func eachDuplicateGroupKeepsItsFirstContact() {
        let g = ContactGroup(groupId: "g1", contactIds: ["C001", "C017", "C030"],
                             reasons: [ContactGroupReason(reason: "case-variant", key: "mia@x.example", addresses: [])])
        let s = CleanupSuggestions.make(groups: [g], contacts: [], unmatched: [])
        #expect(s.merges.map(\.keep) == ["C001"])
        #expect(s.command(s.merges[0], .placeholders) == "mailroom contacts merge PIPELINE --keep C001 C017 C030")
        #expect(s.lines(.placeholders).first == "Clean up before a larger window (then `mailroom relink PIPELINE`)")
    }

    @Test func shellQuotingLeavesSafeWordsAndQuotesTheRest() {
        #expect(ShellQuote.word("C-01_x.y@z.example") == "C-01_x.y@z.example")
        #expect(ShellQuote.word("") == "''")
        #expect(ShellQuote.word("a b") == "'a b'")
        #expect(ShellQuote.word("it's") == #"'it'\''s'"#)
        #expect(ShellQuote.word("$(rm -rf /)") == "'$(rm -rf /)'")
        #expect(ShellQuote.word("x;y`z`") == "'x;y`z`'")
    }
}

/// The report's cleanup suggestions read ASCII names and addresses by bytes (`normalizedASCIIName`, `localPart`),
/// other text by Characters; on ASCII both give the same result, over every ASCII byte and CR LF.
@Suite struct CleanupSuggestionsASCIITests {
    @Test func anASCIINameAndLocalPartAreReadByBytesAsByCharacters() {
        var rng = SplitMix64(seed: 31)
        let pieces = (0..<128).map { String(UnicodeScalar(UInt8($0))) } + ["\r\n", "Mia", "CHEN", "o'Neil", "@", "@@", "  "]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(CleanupSuggestions.normalizedASCIIName(text) == CleanupSuggestions.normalizedNameByCharacter(text),
                    "\(text.debugDescription)")
            #expect(CleanupSuggestions.localPart(text) == text.lastIndex(of: "@").map { String(text[..<$0]) },
                    "\(text.debugDescription)")
        }
        #expect(CleanupSuggestions.normalizedName("Smith,  JOHN\r\n9") == "smith john 9")
        #expect(CleanupSuggestions.normalizedName("Zoë  Ärger") == "zoë ärger")  // by Characters
    }
}

/// The addresses' suggestions index only the contacts the shown addresses look up; they are those an index of
/// every contact gives (`reference`, the suggestions as first written), over random contacts and addresses that
/// share names and local parts, repeat ids and hold `NEW-n` ids.
@Suite struct CleanupSuggestionsIndexTests {
    /// The address suggestions from tables of every contact.
    static func reference(contacts: [Contact], unmatched: [UnmatchedAddress]) -> [CleanupSuggestions.Address] {
        var byName: [String: Set<String>] = [:], byLocal: [String: Set<String>] = [:], names: [String: String] = [:]
        for c in contacts {
            names[c.id] = c.name
            let n = CleanupSuggestions.normalizedNameByCharacter(c.name)
            if !n.isEmpty { byName[n, default: []].insert(c.id) }
            for e in c.emails {
                guard let key = e.key, let at = key.lastIndex(of: "@") else { continue }
                byLocal[String(key[..<at]), default: []].insert(c.id)
            }
        }
        let ids = Set(names.keys)
        var next = 1
        var out: [CleanupSuggestions.Address] = []
        for u in unmatched where !u.bulkOnly {
            guard out.count < CleanupSuggestions.addressesShown else { break }
            var a = CleanupSuggestions.Address(address: u.address, name: u.name, messages: u.messages)
            let local = u.address.lastIndex(of: "@").map { String(u.address[..<$0]).lowercased() } ?? ""
            let sameName = u.name.map(CleanupSuggestions.normalizedNameByCharacter).flatMap { $0.isEmpty ? nil : byName[$0] } ?? []
            let sameLocal = byLocal[local] ?? []
            if sameName.count == 1 {
                (a.contactId, a.why) = (sameName.first, "same name")
            } else if sameName.isEmpty && sameLocal.count == 1 {
                (a.contactId, a.why) = (sameLocal.first, "same local part")
            }
            if let id = a.contactId {
                a.contactName = names[id]
            } else {
                while ids.contains("NEW-\(next)") { next += 1 }
                a.csvLine = [CSVExport.field("NEW-\(next)"), CSVExport.field(CSVExport.text(u.name ?? "")),
                             CSVExport.field(CSVExport.text(u.address))].joined(separator: ",")
                next += 1
            }
            out.append(a)
        }
        return out
    }

    @Test func theShownAddressesGetWhatAnIndexOfEveryContactGives() {
        var rng = SplitMix64(seed: 53)
        let first = ["Mia", "mia", "Raj", "Zoë", "Елена", "", " ", "O'Neil"], last = ["Chen", "CHEN", "Patel", "", "Смирнова"]
        let locals = ["mia", "mia.chen", "raj", "r", "zoe", "elena", "Mia"], domains = ["a.example", "b.example"]
        var suggested = 0
        for _ in 0..<300 {
            let contacts = (0..<Int.random(in: 0...30, using: &rng)).map { i -> Contact in
                let id = ["C\(i)", "C\(i % 4)", "NEW-\(i % 5)", "NEW-1"].randomElement(using: &rng)!
                let name = first.randomElement(using: &rng)! + " " + last.randomElement(using: &rng)!
                let emails = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                    locals.randomElement(using: &rng)! + "@" + domains.randomElement(using: &rng)!
                }
                return Contact(id: id, name: name, emails: emails.map(ContactsCSV.contactEmail), line: i + 2)
            }
            let unmatched = (0..<Int.random(in: 0...16, using: &rng)).map { _ in
                UnmatchedAddress(address: locals.randomElement(using: &rng)! + "@" + ["c.example", "a.example"].randomElement(using: &rng)!,
                                 name: Bool.random(using: &rng) ? nil : first.randomElement(using: &rng)! + " " + last.randomElement(using: &rng)!,
                                 messages: 1, threads: 1, sentTo: 0, lastSeen: nil, bulkOnly: Int.random(in: 0..<5, using: &rng) == 0)
            }
            let made = CleanupSuggestions.make(groups: [], contacts: contacts, unmatched: unmatched).addresses
            #expect(made == Self.reference(contacts: contacts, unmatched: unmatched))
            suggested += made.filter { $0.contactId != nil }.count
        }
        #expect(suggested > 100)  // the cases reach contacts found by name and by local part, not only new ones
    }
}
