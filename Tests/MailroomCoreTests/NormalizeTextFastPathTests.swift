import Foundation
import Testing
@testable import MailroomCore

/// The byte-level fast paths for ASCII text give the same answers as the general Unicode operations.
@Suite struct NormalizeTextFastPaths {
    static let haystacks: [String] = [
        "", "<", "a<b", "xn--bcher-kva.example", "XN--BCHER.example", "a..b", "a.b.", ". @ x", "a@\tb", "=?utf-8?q?x?=",
        "<mailer-daemon@x>", "x<\u{338}y", "\u{226E}", "a.\u{301}.b", "a..\u{301}", "a..\u{301}b..c", "é<", "<é",
        "caf\u{E9} xn--", "\r\n<\r\n", "\u{37E}", "Bücher..example", "=\u{338}?", "a =?",
    ]
    static let needles: [StaticString] = ["<", "xn--", "..", " @", "@\t", "=?", "<mailer-daemon", "/", "(", "xN"]

    @Test(arguments: haystacks)
    func asciiSearchMatchesTheGeneralSearch(text: String) {
        for n in Self.needles {
            #expect(text.containsASCII(n) == text.contains(n.description), "needle \(n)")
        }
    }
}