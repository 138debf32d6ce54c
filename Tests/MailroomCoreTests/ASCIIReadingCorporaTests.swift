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

    /// Normalize's short cuts, on what real clients, lists and servers wrote: header lookups by length first
    /// (`HeaderBlock.same`) find what `==` finds; every address's text and key are the concatenations of its parts
    /// (`AddressNormalizer.make` shares the key with the address when the local part has no capitals); every date
    /// `MailDate.iso` wrote reads back as itself; display names lose their quotes as the Character test says.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpora readings skipped"))
    func realMessagesNormalizeAsTheLongWayDoes() throws {
        let looked = ["date", "from", "to", "cc", "bcc", "subject", "message-id", "references", "in-reply-to", "sender",
                      "reply-to", "content-type", "content-transfer-encoding", "list-id", "list-unsubscribe", "precedence"]
        var fields = 0, addresses = 0, sharedKeys = 0, dates = 0, names = 0, quoted = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            let top = bytes.withUnsafeBytes { HeaderParser.parse($0, range: 0..<$0.count, topLevel: true) }
            for n in looked {
                #expect(top.first(n) == top.fields.first { $0.name == n }?.value, "\(url.lastPathComponent): \(n)")
                #expect(top.all(n) == top.fields.filter { $0.name == n }.map(\.value), "\(url.lastPathComponent): \(n)")
                #expect(top.has(n) == top.fields.contains { $0.name == n }, "\(url.lastPathComponent): \(n)")
            }
            fields += top.fields.count
            for field in Self.headerFields(bytes) {
                let lower = field.lowercased()
                guard ["from:", "to:", "cc:", "reply-to:", "sender:"].contains(where: { lower.hasPrefix($0) }),
                      let colon = field.firstIndex(of: ":") else { continue }
                for piece in field[field.index(after: colon)...].split(separator: ",") {
                    guard let lt = piece.firstIndex(of: "<") else { continue }
                    let name = HeaderText.collapsingWhiteSpace(String(piece[..<lt]))
                    for q in ["'", "\""] {
                        let byCharacter = name.hasPrefix(q) && name.hasSuffix(q) && name.count >= 2
                        #expect(AddressList.isQuoted(name, by: q.utf8.first!) == byCharacter, "\(url.lastPathComponent): \(name.debugDescription)")
                        if byCharacter { quoted += 1 }
                    }
                    names += 1
                }
            }
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) else { continue }
            for a in m.from + m.to + m.cc + m.bcc + m.replyTo + (m.sender.map { [$0] } ?? []) {
                let shown = AddressNormalizer.needsQuoting(a.local) ? AddressNormalizer.quote(a.local) : a.local
                #expect(a.address == shown + "@" + a.domain, "\(url.lastPathComponent): \(a.address)")
                #expect(a.key == shown.lowercased() + "@" + a.domain, "\(url.lastPathComponent): \(a.address)")
                if a.key == a.address { sharedKeys += 1 }
                addresses += 1
            }
            if let d = m.date {
                #expect(MailDate.parseISO(d).map(MailDate.iso) == d, "\(url.lastPathComponent): \(d)")
                dates += 1
            }
        }
        #expect(fields > 2000 && addresses > 200 && sharedKeys < addresses && dates > 150 && names > 100 && quoted > 5,
                "fields \(fields), addresses \(addresses) (\(sharedKeys) own keys), dates \(dates), names \(names) (\(quoted) quoted)")
    }

    /// Real subjects (as normalized, and as written with their folds) read for thread grouping by bytes as by
    /// Characters: the base subject and the reply test.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpora readings skipped"))
    func realSubjectsGroupTheSameByBytesAsByCharacters() throws {
        var subjects = 0, ascii = 0, replies = 0, stripped = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            var texts = Self.headerFields(bytes).filter { $0.lowercased().hasPrefix("subject:") }.map { String($0.dropFirst(8)) }
            if case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) { texts.append(m.subject) }
            for t in texts {
                let collapsed = HeaderText.collapsingWhiteSpace(t)
                let base = BaseSubject.of(t)
                #expect(base == BaseSubject.ofCollapsed(collapsed), "\(url.lastPathComponent): \(t.debugDescription)")
                #expect(SubjectPrefix.isReply(t) == SubjectPrefix.isReply(characters: t), "\(url.lastPathComponent): \(t.debugDescription)")
                subjects += 1
                if t.isASCII { ascii += 1 }
                if SubjectPrefix.isReply(t) { replies += 1 }
                if base != collapsed.lowercased() { stripped += 1 }
            }
        }
        #expect(subjects > 500 && ascii > 450 && replies > 35 && stripped > 60,
                "subjects \(subjects) (\(ascii) ASCII), replies \(replies), prefixes stripped \(stripped)")
    }
}
