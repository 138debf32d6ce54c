import Testing
@testable import MailroomCore

@Suite struct NormalizeAddressLists {
    /// `expected` lists `key|name` per address (name empty when none).
    @Test(arguments: [
        ("jane@example.org", ["jane@example.org|"], false),
        ("Jane Doe <Jane.Doe@Example.ORG>", ["jane.doe@example.org|Jane Doe"], false),
        ("\"Doe, Jane\" <jane@example.org>, bob@example.net", ["jane@example.org|Doe, Jane", "bob@example.net|"], false),
        ("Doe, Jane <jane@example.org>", ["jane@example.org|Doe, Jane"], false),
        ("undisclosed-recipients:;", [], false),
        ("Team: a@x.example, b@y.example;, c@z.example", ["a@x.example|", "b@y.example|", "c@z.example|"], false),
        ("\"john doe\"@example.org", ["\"john doe\"@example.org|"], false),
        ("jane@example.org (Jane Doe)", ["jane@example.org|Jane Doe"], false),
        ("Jane (work) <jane@example.org>", ["jane@example.org|Jane"], false),
        ("=?utf-8?q?J=C3=BCrgen?= <j@example.de>", ["j@example.de|Jürgen"], false),
        ("\"=?utf-8?q?J=C3=BCrgen?=\" <j@example.de>", ["j@example.de|Jürgen"], false),
        ("<@route.example,@other.example:user@example.com>", ["user@example.com|"], false),
        ("Jane <jane@example.org", ["jane@example.org|Jane"], false),
        ("Jane <jane@example.org, bob@example.net", ["jane@example.org|Jane", "bob@example.net|"], false),
        ("'Jane Doe' <jane@example.org>", ["jane@example.org|Jane Doe"], false),
        // Outlook quotes a display name that was saved with single quotes around it, and keeps the capitals.
        ("\"'Dana Reyes'\" <Dana.Reyes@Northwind.example>", ["dana.reyes@northwind.example|Dana Reyes"], false),
        ("a@x.example, a@X.EXAMPLE", ["a@x.example|"], false),
        ("john at example.com (John Smith)", ["john@example.com|John Smith"], true),
        ("Jürgen Groß <jürgen@bücher.example>", ["jürgen@xn--bcher-kva.example|Jürgen Groß"], false),
    ])
    func addressListsParse(raw: String, expected: [String], pipermail: Bool) {
        var issues = Set<IssueCode>()
        let got = AddressList.parse(Array(raw.utf8), pipermailAt: pipermail, issues: &issues)
        #expect(got.map { $0.key + "|" + ($0.name ?? "") } == expected)
        #expect(issues.isEmpty)
    }

    @Test(arguments: [
        ("MAILER-DAEMON", 0),
        ("<>", 0),
        ("good@example.org, not an address", 1),
        ("x@[127.0.0.1]", 0),
        ("john at example.com", 0),  // ` at ` only in From
    ])
    func unusableEntriesAreDroppedAndFlagged(raw: String, kept: Int) {
        var issues = Set<IssueCode>()
        let got = AddressList.parse(Array(raw.utf8), issues: &issues)
        #expect(got.count == kept)
        #expect(issues == [.addressInvalid])
    }

    @Test func pipermailAtIsIgnoredWhenTheValueHasAnAtSign() {
        var issues = Set<IssueCode>()
        let got = AddressList.parse(Array("john at example.com <j@example.org>".utf8), pipermailAt: true, issues: &issues)
        #expect(got.map(\.key) == ["j@example.org"])
    }

    /// Short lists are de-duplicated by searching, long ones with a set: the same first-seen order either way.
    @Test(arguments: [3, 15, 16, 17, 40])
    func repeatedAddressesAreKeptOnceInFirstSeenOrder(distinct: Int) {
        let raw = (0..<(3 * distinct)).map { "u\(($0 * 7) % distinct)@Example.ORG" }.joined(separator: ", ")
        var issues = Set<IssueCode>()
        let got = AddressList.parse(Array(raw.utf8), issues: &issues)
        var expected: [String] = []
        for k in 0..<(3 * distinct) where !expected.contains("u\((k * 7) % distinct)@example.org") {
            expected.append("u\((k * 7) % distinct)@example.org")
        }
        #expect(got.map(\.key) == expected)
        #expect(got.count == distinct)
    }
}
