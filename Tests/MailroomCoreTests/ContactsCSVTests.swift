import Testing
@testable import MailroomCore

@Suite struct ContactsCSVParsing {
    private func parse(_ text: String) -> (contacts: [Contact], issues: [RecordIssue]) {
        ContactsCSV.parse(Array(text.utf8))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        /// id | name | raw emails joined with ";" | line
        var rows: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "plain LF", input: "id,name,emails\nc1,Ann,ann@example.com\nc2,Bob,bob@example.org\n",
             rows: ["c1|Ann|ann@example.com|2", "c2|Bob|bob@example.org|3"]),
        Case(name: "CRLF without final line end", input: "id,name,emails\r\nc1,Ann,ann@example.com\r\nc2,Bob,b@x.example",
             rows: ["c1|Ann|ann@example.com|2", "c2|Bob|b@x.example|3"]),
        Case(name: "lone CR line ends", input: "id,name,emails\rc1,Ann,ann@example.com\rc2,Bob,bob@example.org",
             rows: ["c1|Ann|ann@example.com|2", "c2|Bob|bob@example.org|3"]),
        Case(name: "BOM and upper-case header in another order with extra column",
             input: "\u{FEFF}Emails,Phone,ID,Name\r\nann@example.com,555,c1,Ann\r\n",
             rows: ["c1|Ann|ann@example.com|2"]),
        Case(name: "quoted comma, doubled quote and several emails",
             input: "id,name,emails\nc1,\"Doe, \"\"JD\"\" Jane\",\"jane@example.com; j.doe@example.org\"\n",
             rows: ["c1|Doe, \"JD\" Jane|jane@example.com;j.doe@example.org|2"]),
        Case(name: "quoted line break moves later line numbers",
             input: "id,name,emails\nc1,\"Ann\nSmith\",ann@example.com\nc2,Bob,bob@example.org\n",
             rows: ["c1|Ann\nSmith|ann@example.com|2", "c2|Bob|bob@example.org|4"]),
        Case(name: "blank lines skipped", input: "\nid,name,emails\n\nc1,Ann,ann@example.com\n,,\n  \n",
             rows: ["c1|Ann|ann@example.com|4"]),
        Case(name: "short row reads missing cells as empty", input: "id,name,emails\nc1,Ann\n",
             rows: ["c1|Ann||2"]),
    ])
    func wellFormedFilesParseToContactsInFileOrder(_ c: Case) {
        let (contacts, issues) = parse(c.input)
        #expect(!issues.contains { $0.fatal })
        let rows = contacts.map { "\($0.id)|\($0.name)|\($0.emails.map(\.raw).joined(separator: ";"))|\($0.line)" }
        #expect(rows == c.rows)
    }

    @Test(arguments: [
        ("id,name\nc1,Ann\n", 1, IssueCode.contactsColumnsMissing, "header row lacks required column emails"),
        ("name,mail\nAnn,a@b.example\n", 1, .contactsColumnsMissing, "header row lacks required columns id, emails"),
        ("", 1, .contactsColumnsMissing, "file has no header row (required columns: id, name, emails)"),
        ("id,name,emails\nc1,Ann,a@b.example\nc2,\"Bob,b@c.example\n", 3, .csvQuoteUnclosed, "quoted field is never closed"),
        ("id,name,emails\nc1,Ann,a@b.example\n\nc1,Ann again,c@d.example\n", 4, .contactIdRepeated,
         "duplicate contact id \"c1\" (first on line 2)"),
        ("id,name,emails\n  ,Ann,a@b.example\n", 2, .contactIdEmpty, "contact has an empty id"),
    ] as [(String, Int, IssueCode, String)])
    func structuralProblemsAreFatalAndNameTheLine(input: String, line: Int, code: IssueCode, message: String) {
        let issues = parse(input).issues
        #expect(issues == [RecordIssue(code, at: .init(line: line), message)])
        #expect(issues.allSatisfy { $0.fatal })
    }

    @Test func anEmailThatIsNotAnAddressIsKeptWithItsIssue() throws {
        let (contacts, issues) = parse("id,name,emails\nc1,Ann,not an address;Ann@Example.COM\n")
        let c = try #require(contacts.first)
        #expect(c.emails.count == 2)
        #expect(c.emails[0] == ContactEmail(raw: "not an address", address: nil, key: nil, foldedKey: nil,
                                            issue: ContactsCSV.notAnAddress))
        #expect(c.emails[1] == ContactEmail(raw: "Ann@Example.COM", address: "Ann@example.com",
                                            key: "ann@example.com", foldedKey: "ann@example.com", issue: nil))
        #expect(issues == [RecordIssue(.notAnAddress, at: .init(line: 2), "contact \"c1\": email 1 is not an address")])
        #expect(!issues[0].fatal)
    }

    @Test func aContactWithoutUsableEmailIsKeptAndReported() {
        let (contacts, issues) = parse("id,name,emails\nc1,Ann,\nc2,Bob,bob@\n")
        #expect(contacts.map(\.id) == ["c1", "c2"])
        #expect(issues == [
            RecordIssue(.contactWithoutEmail, at: .init(line: 2), "contact \"c1\" has no usable email"),
            RecordIssue(.notAnAddress, at: .init(line: 3), "contact \"c2\": email 1 is not an address"),
            RecordIssue(.contactWithoutEmail, at: .init(line: 3), "contact \"c2\" has no usable email"),
        ])
        #expect(!issues.contains { $0.fatal })
    }

    @Test func foldedKeysAreComputedForSavedEmails() throws {
        let c = try #require(parse("id,name,emails\nc1,Ann,<J.Doe+crm@GoogleMail.com>\n").contacts.first)
        #expect(c.emails[0].key == "j.doe+crm@googlemail.com")
        #expect(c.emails[0].foldedKey == "jdoe@gmail.com")
    }

    @Test func invalidUTF8IsReplacedNotDropped() throws {
        var bytes = Array("id,name,emails\nc1,".utf8)
        bytes += [0x41, 0xFF, 0x42]
        bytes += Array(",a@b.example\n".utf8)
        let c = try #require(ContactsCSV.parse(bytes).contacts.first)
        #expect(c.name == "A\u{FFFD}B")
    }
}

/// A run's preflight reads a contacts file for what would stop it, without its emails
/// (`ContactsCSV.parse(_:readingEmails: false)`): the same fatal issues, in the same order, as the whole parse,
/// over random files with empty and repeated ids, unclosed quotes, missing columns, blank rows and bad emails.
@Suite struct ContactsCSVFatalOnlyTests {
    @Test func withoutEmailsTheFatalIssuesAreTheWholeParses() {
        var rng = SplitMix64(seed: 59)
        let headers = ["id,name,emails", "emails,ID,Name,notes", "id,name", "name,emails", "", "\u{FEFF}id,name,emails"]
        let cells = ["C1", "C2", "C1", "", " ", "\"C3\"", "\"open", "Mia Chen", "\"Chen, Mia\"", "a@b.example",
                     "a@b.example;c@d.example", "not an address", "<x@y.example>", "'=cmd", "\"a\"\"b\""]
        var fatal = 0
        for _ in 0..<2_000 {
            var text = headers.randomElement(using: &rng)! + ["\n", "\r\n"].randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                text += (0..<Int.random(in: 0...4, using: &rng)).map { _ in cells.randomElement(using: &rng)! }.joined(separator: ",")
                text += ["\n", "\r\n", "\r"].randomElement(using: &rng)!
            }
            let bytes = Array(text.utf8)
            let whole = ContactsCSV.parse(bytes).issues.filter(\.fatal)
            let check = ContactsCSV.parse(bytes, readingEmails: false)
            #expect(check.issues == whole, "\(text.debugDescription)")
            #expect(check.contacts.isEmpty)
            if !whole.isEmpty { fatal += 1 }
        }
        #expect(fatal > 500 && fatal < 1_900)  // files that stop and files that do not
    }
}
