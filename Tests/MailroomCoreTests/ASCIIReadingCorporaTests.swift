import Foundation
import Testing
@testable import MailroomCore

/// The byte readings of ASCII text (contacts' addresses and names, charset labels) against the Character readings,
/// on what real clients, lists and servers wrote: every charset parameter, address header and display name of the
/// third-party corpora's single messages (`../shared/corpora`, skipped when absent).
@Suite struct ASCIIReadingCorporaTests {
    /// Header lines of `bytes` up to the first blank line, unfolded (a continuation joins its field with a space).
    static func headerFields(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes.prefix(256 * 1024), as: UTF8.self)
        var fields: [String] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let l = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if l.isEmpty { break }
            if let f = l.first, f == " " || f == "\t", !fields.isEmpty {
                fields[fields.count - 1] += " " + l.drop { $0 == " " || $0 == "\t" }
            } else {
                fields.append(String(l))
            }
        }
        return fields
    }

    /// Every `charset=` (or `charset*=`) value in `bytes` as written, up to `;` or the line's end.
    static func charsetValues(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [String] = []
        var rest = text[...]
        while let r = rest.range(of: "charset", options: .caseInsensitive) {
            var v = rest[r.upperBound...]
            if v.first == "*" { v = v.dropFirst() }
            guard v.first == "=" else { rest = rest[r.upperBound...]; continue }
            v = v.dropFirst()
            let value = v.prefix { $0 != ";" && $0 != "\n" && $0 != "\r\n" && $0 != "\r" }.prefix(100)
            out.append(String(value))
            rest = v
        }
        return out
    }

    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpora readings skipped"))
    func realHeadersReadTheSameByBytesAsByCharacters() throws {
        var charsets = 0, addresses = 0, names = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            for raw in Self.charsetValues(bytes) where raw.isASCII {
                #expect(HeaderText.normalizedASCIICharset(raw) == HeaderText.normalizedCharsetByCharacter(raw), "\(url.lastPathComponent): \(raw.debugDescription)")
                charsets += 1
            }
            for field in Self.headerFields(bytes) {
                let lower = field.lowercased()
                guard ["from:", "to:", "cc:", "reply-to:", "sender:"].contains(where: { lower.hasPrefix($0) }),
                      let colon = field.firstIndex(of: ":") else { continue }
                let value = String(field[field.index(after: colon)...])
                guard value.isASCII else { continue }
                // As a contacts file's emails cell: the header's list with `;` for `,`.
                let cell = value.replacingOccurrences(of: ",", with: ";")
                #expect(ContactsCSV.splitEmails(cell) == ContactsCSV.splitEmailsByCharacter(cell), "\(url.lastPathComponent): \(cell.debugDescription)")
                for piece in cell.split(separator: ";").flatMap({ [String($0)] + $0.split(separator: " ").map(String.init) }) {
                    let t = piece.trimmingASCIISpaces()
                    let a = AddressNormalizer.parseASCII(t)
                    #expect(a == AddressNormalizer.parseByCharacter(t), "\(url.lastPathComponent): \(t.debugDescription)")
                    if a != nil { addresses += 1 }
                    if let lt = piece.firstIndex(of: "<") {
                        let name = String(piece[..<lt])
                        #expect(CleanupSuggestions.normalizedASCIIName(name) == CleanupSuggestions.normalizedNameByCharacter(name))
                        names += 1
                    }
                }
            }
        }
        #expect(charsets > 200 && addresses > 200 && names > 100, "charsets \(charsets), addresses \(addresses), names \(names)")
    }
}
