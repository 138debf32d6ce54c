import Foundation
import Testing
@testable import MailroomCore

/// The snippet decodes a growing prefix of its part (`MIMEWalker.snippet`). A prefix cut inside a character, a
/// quoted-printable escape or a base64 quantum must not change the snippet: before the fix, a UTF-8 part whose cut
/// split a character was read as windows-1252 whole ("ÐŸÑ€Ð¸Ð²ÐµÑ‚" for "Привет").
@Suite struct SnippetPrefix {
    /// A part decoded whole: a first scan larger than any part here.
    static let whole = 1 << 30

    static func snippet(_ message: [UInt8], firstScan: Int = MIMEWalker.firstPlainSnippetScan) -> String {
        message.withUnsafeBytes { b in
            let limits = MessageLimits()
            let top = HeaderParser.parse(b, range: 0..<b.count, topLevel: true, maxBytes: limits.maxHeaderBytes,
                                         maxFields: limits.maxHeaderFields)
            return MIMEWalker.walk(b, top: top, end: b.count, limits: limits, firstScan: firstScan).snippet
        }
    }

    /// Quoted-printable as mail clients write it: `=XX` for `=` and bytes above 0x7E, soft line breaks before 76
    /// columns (never inside an escape, so a character's escapes may be split by a soft break), CR LF hard breaks.
    static func quotedPrintable(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var column = 0
        let hex = Array("0123456789ABCDEF".utf8)
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == 0x0D, i + 1 < text.count, text[i + 1] == 0x0A {
                out += [0x0D, 0x0A]
                column = 0
                i += 2
                continue
            }
            let piece: [UInt8] = c == 0x3D || c > 0x7E ? [0x3D, hex[Int(c >> 4)], hex[Int(c & 15)]] : [c]
            if column + piece.count > 75 {
                out += [0x3D, 0x0D, 0x0A]
                column = 0
            }
            out += piece
            column += piece.count
            i += 1
        }
        return out
    }

    static func message(body text: String, encoding: String, html: Bool = false) -> [UInt8] {
        let raw = Array(text.utf8)
        let encoded: [UInt8]
        switch encoding {
        case "quoted-printable": encoded = quotedPrintable(raw)
        case "base64": encoded = Array(Data(raw).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]).utf8)
        default: encoded = raw
        }
        let head = "From: Ivan <ivan@example.ru>\r\nTo: dana@example.com\r\nSubject: s\r\nMessage-ID: <s@example.ru>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/\(html ? "html" : "plain"); charset=utf-8\r\n"
            + "Content-Transfer-Encoding: \(encoding)\r\n\r\n"
        return Array(head.utf8) + encoded + [0x0D, 0x0A]
    }

    /// The first 200 characters of the text with white space runs as one space, trimmed: the snippet worked out
    /// here from the text, not by the walker.
    static func expected(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        var count = 0
        for ch in text {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                if count == 200 { break }
                out.append(" ")
                count += 1
                pendingSpace = false
            }
            if count == 200 { break }
            out.append(ch)
            count += 1
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    static let scripts = ["Привет мир, как дела? ", "いつもお世話になっております。", "Ελληνικά κείμενα εδώ ",
                          "périmètre révisé ", "🙂 ok 👍🏽 ", "中文邮件内容测试。"]

    @Test func aCharacterCutByThePrefixLeavesThePlainSnippetInItsCharset() {
        var checked = 0
        for script in Self.scripts {
            for encoding in ["8bit", "quoted-printable", "base64"] {
                for wrapped in [false, true] {
                    for shift in 0..<4 {
                        // Leading ASCII bytes move every later character against the cut.
                        var text = String(repeating: "a", count: shift) + " "
                        var line = 0
                        while text.utf8.count < 6000 {
                            text += script
                            line += script.utf8.count
                            if wrapped, line > 60 { text += "\r\n"; line = 0 }
                        }
                        let m = Self.message(body: text, encoding: encoding)
                        let want = Self.expected(text)
                        for scan in [MIMEWalker.firstPlainSnippetScan, 2048, 100, 37] {
                            let got = Self.snippet(m, firstScan: scan)
                            #expect(got == want, "\(script) \(encoding) wrapped \(wrapped) shift \(shift) scan \(scan)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 6 * 3 * 2 * 4 * 4)
    }

    @Test func aCharacterCutByThePrefixLeavesTheHTMLSnippetInItsCharset() {
        // An HTML part is cut at 16 KB first: parts past that, of each script, encoding and shift.
        for script in Self.scripts {
            for encoding in ["8bit", "quoted-printable", "base64"] {
                for shift in 0..<4 {
                    var text = "<html><body><p>" + String(repeating: "a", count: shift) + " "
                    while text.utf8.count < 40000 { text += script }
                    text += "</p></body></html>"
                    let m = Self.message(body: text, encoding: encoding, html: true)
                    let want = Self.expected(String(repeating: "a", count: shift) + " "
                        + String(repeating: script, count: 400))
                    #expect(Self.snippet(m) == want, "\(script) \(encoding) shift \(shift)")
                }
            }
        }
    }

    /// Seeded texts of words, multi-byte characters, combining marks and white-space runs, in each transfer
    /// encoding: the snippet of every first scan equals the one of the part decoded whole.
    @Test func seededTextsHaveTheSnippetOfTheWholePartAtEveryFirstScan() {
        var rng = SplitMix64(seed: 17)
        let pieces = ["word", "Grüße", "e\u{301}", "日本語", "🙂", "Ж", " ", "  ", "\t", "\r\n", "\r\n\r\n", ".", "=", "ü"]
        var longer = 0
        for _ in 0..<600 {
            var text = ""
            let target = Int.random(in: 50...5000, using: &rng)
            while text.utf8.count < target { text += pieces.randomElement(using: &rng)! }
            let encoding = ["8bit", "quoted-printable", "base64"].randomElement(using: &rng)!
            let m = Self.message(body: text, encoding: encoding)
            let whole = Self.snippet(m, firstScan: Self.whole)
            if text.utf8.count > 2048 { longer += 1 }
            for scan in [MIMEWalker.firstPlainSnippetScan, 2048, Int.random(in: 1...700, using: &rng)] {
                #expect(Self.snippet(m, firstScan: scan) == whole, "\(encoding) \(text.utf8.count) bytes, scan \(scan)")
            }
        }
        #expect(longer > 300)
    }

    /// Every single-message file of `../shared/corpora`: the snippet of the first scan equals the one of each text
    /// part decoded whole, as real clients, lists and servers encode them.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpora snippets skipped"))
    func corpusMessagesHaveTheSnippetOfTheWholePart() throws {
        var compared = 0, nonEmpty = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            for m in [bytes, NormalizeFixture.crlf(bytes)] {
                let whole = Self.snippet(m, firstScan: Self.whole)
                #expect(Self.snippet(m) == whole, "\(url.lastPathComponent)")
                #expect(Self.snippet(m, firstScan: 64) == whole, "\(url.lastPathComponent), first scan 64")
                compared += 1
                if !whole.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(compared > 500)
        #expect(nonEmpty > 300)
    }
}
