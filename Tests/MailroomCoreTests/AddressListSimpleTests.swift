import Foundation
import Testing
@testable import MailroomCore

/// `AddressList.parseSimple` (one pass over the bytes, for the common shapes) against the token parser it stands in
/// for: the same addresses and the same issues, on hand-made values and on every address header of the shared
/// third-party corpora.
@Suite struct AddressListSimpleTests {
    static func both(_ value: String) -> (simple: [Address]?, simpleIssues: Set<IssueCode>,
                                          tokens: [Address], tokenIssues: Set<IssueCode>) {
        let raw = Array(value.utf8)
        var si = Set<IssueCode>(), ti = Set<IssueCode>()
        let simple = raw.withUnsafeBufferPointer { AddressList.parseSimple($0, issues: &si) }
        let tokens = AddressList.parseTokens(raw, pipermailAt: false, issues: &ti)
        return (simple, si, tokens, ti)
    }

    static let simpleShapes = [
        "dana.reyes@northwind.example",
        "Dana Reyes <dana.reyes@northwind.example>",
        "\"Reyes, Dana\" <dana.reyes@northwind.example>",
        "<dana@northwind.example>",
        "  Dana   Reyes\r\n <dana@northwind.example> ,  ,bob@x.example,",
        "=?UTF-8?Q?Ren=C3=A9_Dupont?= <rene@example.fr>, =?utf-8?B?w4lsb2RpZQ==?= <elodie@example.fr>",
        "\"=?iso-8859-1?q?Fran=E7ois?=\" <f@example.fr>",
        "'Dana' <dana@x.example>, \"'Bob'\" <bob@x.example>",
        "DANA@NORTHWIND.EXAMPLE, dana@northwind.example",
        "a@b, c@d, e@f, g@h, i@j, k@l, m@n, o@p, q@r, s@t, u@v, w@x, y@z, aa@b, bb@b, cc@b, dd@b, a@B, ee@b",
        "\"\" <empty@x.example>",
        "=?utf-8?Q?broken <x@y.example>",
        "Dana<dana@x.example>",
        "\r\n\t",
        "",
        "nobody@-bad-.example",
    ]

    static let otherShapes = [
        "Doe, John <j@x.example>",
        "John Smith john@x.example",
        "Dana (work) <d@x.example>",
        "d@x.example (Dana Reyes)",
        "Team: a@x.example, b@x.example;",
        "<@route.example:d@x.example>",
        "d@[192.0.2.1]",
        "\"Dana \\\"D\\\" Reyes\" <d@x.example>",
        "John Q. Public <jqp@x.example>",
        "<d@x.example",
        "<d@x.example, e@x.example>",
        "d at x.example",
        "@",
        "d@",
        "\"unterminated <d@x.example>",
        "d@x.example <e@x.example>",
    ]

    @Test func simpleShapesAreReadInOnePassAsTheTokenParserReadsThem() {
        for v in Self.simpleShapes {
            let r = Self.both(v)
            #expect(r.simple != nil, "\(v.debugDescription) should be a simple shape")
            #expect(r.simple == r.tokens, "\(v.debugDescription)")
            #expect(r.simpleIssues == r.tokenIssues, "\(v.debugDescription)")
        }
        // The values above say what they are read as, not only that the two parsers agree.
        #expect(Self.both("\"Reyes, Dana\" <dana.reyes@northwind.example>").simple?.map(\.name) == ["Reyes, Dana"])
        #expect(Self.both("  Dana   Reyes\r\n <dana@northwind.example> ,  ,bob@x.example,").simple?.map(\.key)
                    == ["dana@northwind.example", "bob@x.example"])
        #expect(Self.both("=?UTF-8?Q?Ren=C3=A9_Dupont?= <rene@example.fr>").simple?.first?.name == "René Dupont")
        #expect(Self.both("DANA@NORTHWIND.EXAMPLE, dana@northwind.example").simple?.count == 1)
        #expect(Self.both("a@b, c@d, e@f, g@h, i@j, k@l, m@n, o@p, q@r, s@t, u@v, w@x, y@z, aa@b, bb@b, cc@b, dd@b, a@B, ee@b")
                    .simple?.count == 18)
    }

    @Test func otherShapesAreLeftToTheTokenParser() {
        for v in Self.otherShapes {
            let r = Self.both(v)
            #expect(r.simple == nil, "\(v.debugDescription) is not a simple shape")
            var issues = Set<IssueCode>()
            #expect(AddressList.parse(Array(v.utf8), issues: &issues) == r.tokens)
            #expect(issues == r.tokenIssues)
        }
    }

    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus comparison skipped"))
    func everyCorpusAddressHeaderReadsAlikeThroughBoth() throws {
        let values = try Self.corpusValues()
        #expect(values.count > 300)
        var simple = 0
        for v in values {
            let r = Self.both(v)
            guard let s = r.simple else { continue }
            simple += 1
            #expect(s == r.tokens, "\(v.debugDescription)")
            #expect(r.simpleIssues == r.tokenIssues, "\(v.debugDescription)")
        }
        // Most real headers are simple shapes; the rest went to the token parser above.
        #expect(simple * 2 > values.count)
    }

    /// Every ASCII address header of the corpora's single-message files, and isemail's test addresses.
    static func corpusValues() throws -> [String] {
        var values: [String] = []
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            let top = bytes.withUnsafeBytes {
                HeaderParser.parse($0, range: 0..<bytes.count, topLevel: true, maxBytes: 1 << 20, maxFields: 10_000)
            }
            for name in ["from", "sender", "reply-to", "to", "cc", "bcc"] {
                let raw = Array(top.all(name).joined(separator: [0x2C, 0x20]))
                guard raw.withUnsafeBufferPointer(ASCIIBytes.isASCII), !raw.isEmpty else { continue }
                values.append(String(decoding: raw, as: UTF8.self))
            }
        }
        let isemail = NormalizeCorpora.corpora.appendingPathComponent("address-tests/isemail/tests.xml")
        if let xml = try? String(contentsOf: isemail, encoding: .utf8) {
            for part in xml.components(separatedBy: "<address>").dropFirst() {
                guard let end = part.range(of: "</address>") else { continue }
                let v = String(part[..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                    .replacingOccurrences(of: "&amp;", with: "&")
                if v.utf8.allSatisfy({ $0 < 0x80 }) { values.append(v) }
            }
        }
        return values
    }
}
