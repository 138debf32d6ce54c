import Foundation
import Testing
@testable import MailroomCore

/// The records read through `JSONCursor` read what their `init(json:)` reads, and refuse what it refuses.
@Suite struct CursorRecordTests {
    /// Both readers of one line: the cursor's record or error, and `JSONParser` + `init(json:)`'s.
    static func both<R: JSONCursorRecord & Equatable>(_: R.Type, _ line: [UInt8]) -> (cursor: Result<R, JSONError>, tree: Result<R, JSONError>) {
        let keys = R.decodedKeys.map(JSONKeys.init)
        return line.withUnsafeBufferPointer { b in
            (result { try R.decodeLine(b, keys: keys) },
             result { try R(json: keys.map { try JSONParser.parse(buffer: b, keeping: $0) } ?? JSONParser.parse(buffer: b)) })
        }
    }

    static func result<R>(_ body: () throws -> R) -> Result<R, JSONError> {
        do {
            return .success(try body())
        } catch let e as JSONError {
            return .failure(e)
        } catch {
            return .failure(JSONError("not a JSONError: \(error)"))
        }
    }

    static func expectSame<R: JSONCursorRecord & Equatable>(_ type: R.Type, _ text: String, refused: Bool? = nil,
                                                            sourceLocation: SourceLocation = #_sourceLocation) {
        let (c, t) = both(type, Array(text.utf8))
        switch (c, t) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(R.self): \(text)", sourceLocation: sourceLocation)
            #expect(refused != true, "\(R.self) should refuse: \(text)", sourceLocation: sourceLocation)
        case (.failure, .failure):
            #expect(refused != false, "\(R.self) should read: \(text)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(R.self): cursor \(c), tree \(t) for \(text)", sourceLocation: sourceLocation)
        }
    }

    static func lines(of m: NormalizedMessage) -> (normalized: String, deduped: String) {
        var w = JSONWriter()
        m.writeJSON(&w)
        let n = String(decoding: w.bytes, as: UTF8.self)
        w.reset()
        let copies = [CopyRef(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, flags: m.flags, labels: m.labels),
                      CopyRef(copyId: m.copyId + "-2", mailbox: "other", folder: "Archive/\u{e9}t\u{e9}", flags: ["\\Seen"])]
        DedupedMessage(key: "mid:\(m.messageId ?? m.copyId)", message: m, copies: copies).writeJSON(&w)
        return (n, String(decoding: w.bytes, as: UTF8.self))
    }

    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus records skipped"))
    func everyCorpusMessageReadsAlikeThroughBothReaders() throws {
        var read = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) else { continue }
            let (n, d) = Self.lines(of: m)
            Self.expectSame(NormalizedIdentityFields.self, n, refused: false)
            Self.expectSame(DedupedThreadFields.self, d, refused: false)
            Self.expectSame(DedupedMatchFields.self, d, refused: false)
            Self.expectSame(DedupedReportFields.self, d, refused: false)
            Self.expectSame(DedupedThreadReportFields.self, d, refused: false)
            read += 1
        }
        #expect(read > 200)
    }

    @Test func handWrittenLinesReadAndAreRefusedAlike() {
        let addr = #"{"address":"a@x.example","key":"a@x.example","local":"a","domain":"x.example","domainUnicode":"x.example","name":null}"#
        let base = #"{"key":"mid:1","mailbox":"m","date":null,"subject":"S","baseSubject":"s","from":[\#(addr)],"sender":null,"# +
            #""replyTo":[],"to":[\#(addr)],"cc":null,"bcc":[],"direction":"sent","bulk":["list-id"],"issues":[],"# +
            #""inReplyTo":["x@y"],"references":null,"copies":[{"copyId":"c","mailbox":"m","folder":"INBOX","flags":[]}]}"#
        Self.expectSame(DedupedMatchFields.self, base, refused: false)
        Self.expectSame(DedupedThreadFields.self, base, refused: false)
        Self.expectSame(DedupedReportFields.self, base, refused: false)
        Self.expectSame(DedupedThreadReportFields.self, base, refused: false)
        // Escaped names, white space, duplicate members (the last one counts), unknown members of any shape.
        let odd = #"  { "k\u0065y" : "mid:2" , "mailbox":"m", "mailbox":"n","subject":"\u00e9\ud83d\ude00","from":[],"# +
            #""x":{"deep":[1,2.5e3,-0,true,false,null,{"y":"\"}"}]},"direction":"received","copies":[]} "#
        Self.expectSame(DedupedMatchFields.self, odd, refused: false)
        let keyless: String = addr.replacingOccurrences(of: #""key":"a@x.example","#, with: "")
        let refusals: [String] = [
            "", "[]", "null", "{", "{}", #"{"key":"a"}"#, base + "x", base + ",",
            base.replacingOccurrences(of: #""direction":"sent""#, with: #""direction":"up""#),
            base.replacingOccurrences(of: #""direction":"sent""#, with: #""direction":1"#),
            base.replacingOccurrences(of: #""subject":"S""#, with: #""subject":null"#),
            base.replacingOccurrences(of: #""subject":"S""#, with: #""subject":["S"]"#),
            base.replacingOccurrences(of: #""bulk":["list-id"]"#, with: #""bulk":["list-id",3]"#),
            base.replacingOccurrences(of: #""bulk":["list-id"]"#, with: #""bulk":"list-id""#),
            base.replacingOccurrences(of: #""from":[{"#, with: #""from":[3,{"#),
            base.replacingOccurrences(of: #""sender":null"#, with: #""sender":"a@x""#),
            base.replacingOccurrences(of: #""sender":null"#, with: "\"sender\":" + keyless),
            base.replacingOccurrences(of: #""mailbox":"m","folder""#, with: #""folder""#),
            base.replacingOccurrences(of: #""key":"mid:1","#, with: #""key":"mid:1""#),
            base.replacingOccurrences(of: #""subject":"S""#, with: "\"subject\":\"S\u{1}\""),
            base.replacingOccurrences(of: #""subject":"S""#, with: #""subject":"\q""#),
            base.replacingOccurrences(of: #""bulk":["list-id"]"#, with: #""bulk":[,"list-id"]"#),
            base.replacingOccurrences(of: #""issues":[]"#, with: #""issues":[1,]"#),
            base.replacingOccurrences(of: #""issues":[]"#, with: #""issues":{"a":1,}"#),
            base.replacingOccurrences(of: #""issues":[]"#, with: #""issues":nul"#),
            base.replacingOccurrences(of: #""issues":[]"#, with: String(repeating: "[", count: 70) + String(repeating: "]", count: 70)),
        ]
        for line in refusals {
            Self.expectSame(DedupedMatchFields.self, line, refused: true)
        }
        // The thread and report fields read together refuse what either refuses, and read past the rest.
        for (line, refused) in [(base.replacingOccurrences(of: #""direction":"sent""#, with: #""direction":"up""#), true),
                                (base.replacingOccurrences(of: #""inReplyTo":["x@y"]"#, with: #""inReplyTo":[1]"#), true),
                                (base.replacingOccurrences(of: #","folder":"INBOX""#, with: ""), true),
                                (base.replacingOccurrences(of: #""key":"mid:1","#, with: ""), true),
                                (base.replacingOccurrences(of: #""bulk":["list-id"]"#, with: #""bulk":"list-id""#), true),
                                (base.replacingOccurrences(of: #""mailbox":"m","date""#, with: #""date""#), false),
                                (base.replacingOccurrences(of: #""from":[{"#, with: #""from":[3,{"#), false)] {
            Self.expectSame(DedupedThreadReportFields.self, line, refused: refused)
        }
        // Each record refuses what its own fields make wrong, and reads past what it does not read.
        Self.expectSame(DedupedReportFields.self, base.replacingOccurrences(of: #""subject":"S""#, with: #""subject":null"#), refused: false)
        Self.expectSame(DedupedThreadFields.self, base.replacingOccurrences(of: #""direction":"sent""#, with: #""direction":"up""#), refused: false)
        Self.expectSame(DedupedThreadFields.self, base.replacingOccurrences(of: #""inReplyTo":["x@y"]"#, with: #""inReplyTo":[1]"#), refused: true)
        Self.expectSame(DedupedReportFields.self, base.replacingOccurrences(of: #","folder":"INBOX""#, with: ""), refused: true)
        Self.expectSame(DedupedMatchFields.self, base.replacingOccurrences(of: #""copyId":"c","#, with: ""), refused: false)
        let identity = #"{"copyId":"c","mailbox":"m","folder":"f","flags":["\\Seen"],"labels":null,"messageId":null,"contentHash":"h"}"#
        Self.expectSame(NormalizedIdentityFields.self, identity, refused: false)
        Self.expectSame(NormalizedIdentityFields.self, identity.replacingOccurrences(of: #""labels":null"#, with: #""labels":["\\Inbox","Kunden/\u00c4"]"#), refused: false)
        Self.expectSame(NormalizedIdentityFields.self, identity.replacingOccurrences(of: #","contentHash":"h""#, with: ""), refused: true)
        Self.expectSame(LinkReportFields.self, #"{"messageKey":"k","address":"a@x","ambiguous":["C1","C2"]}"#, refused: false)
        Self.expectSame(LinkReportFields.self, #"{"messageKey":"k","ambiguous":null}"#, refused: true)
    }

    @Test func linksReadAndAreRefusedAlike() {
        let link = #"{"messageKey":"mid:a@x","threadId":"t1","role":"cc","address":"b@y.example","internal":false,"contactId":"C1","rule":"primary-email","ambiguous":[]}"#
        Self.expectSame(ParticipantLink.self, link, refused: false)
        Self.expectSame(ParticipantLink.self, link.replacingOccurrences(of: #""contactId":"C1","rule":"primary-email","ambiguous":[]"#,
                                                                        with: #""contactId":null,"rule":null,"ambiguous":["C1","C2"]"#), refused: false)
        Self.expectSame(ParticipantLink.self, link.replacingOccurrences(of: #","rule":"primary-email","ambiguous":[]"#, with: ""), refused: false)
        Self.expectSame(ParticipantLink.self, link.replacingOccurrences(of: #""internal":false"#, with: #""internal":true,"x":[{"y":null}]"#), refused: false)
        Self.expectSame(ParticipantLink.self, #" { "r\u006fle" : "to", "role":"from", "messageKey":"k","threadId":"t","address":"a","internal":true } "#, refused: false)
        for bad in [link.replacingOccurrences(of: #""internal":false"#, with: #""internal":"false""#),
                    link.replacingOccurrences(of: #""internal":false"#, with: #""internal":0"#),
                    link.replacingOccurrences(of: #""internal":false,"#, with: ""),
                    link.replacingOccurrences(of: #""rule":"primary-email""#, with: #""rule":"guess""#),
                    link.replacingOccurrences(of: #""rule":"primary-email""#, with: #""rule":1"#),
                    link.replacingOccurrences(of: #""ambiguous":[]"#, with: #""ambiguous":[1]"#),
                    link.replacingOccurrences(of: #""threadId":"t1","#, with: ""),
                    link.replacingOccurrences(of: #""role":"cc""#, with: #""role":null"#),
                    link.replacingOccurrences(of: #""contactId":"C1""#, with: #""contactId":["C1"]"#),
                    link + ",", "[]", "{}"] {
            Self.expectSame(ParticipantLink.self, bad, refused: true)
        }
        // A link as match writes it: escapes and non-ASCII in the key.
        let written = ParticipantLink(messageKey: "mid:\u{e9}\\\"@x", threadId: "t", role: "bcc", address: "a@b",
                                      isInternal: true, contactId: nil, rule: .folded, ambiguous: ["c"])
        var w = JSONWriter()
        written.writeJSON(&w)
        Self.expectSame(ParticipantLink.self, String(decoding: w.bytes, as: UTF8.self), refused: false)
    }

    @Test func aMissingFieldIsNamedAsTheTreeReaderNamesIt() {
        let (c, t) = Self.both(DedupedThreadFields.self, Array(#"{"key":"k","subject":"s"}"#.utf8))
        guard case .failure(let a) = c, case .failure(let b) = t else {
            Issue.record("both should refuse")
            return
        }
        #expect(a.message == "missing field \"baseSubject\"")
        #expect(a.message == b.message)
        // A line that is not an object, and an address that is not one, as the tree reader says them.
        for (line, said) in [("[1]", "expected an object at byte 1"),
                             (#"{"key":"k","subject":"s","from":[3],"direction":"sent","mailbox":"m"}"#, "address is not a JSON object")] {
            let (c2, t2) = Self.both(DedupedMatchFields.self, Array(line.utf8))
            guard case .failure(let x) = c2, case .failure(let y) = t2 else {
                Issue.record("both should refuse \(line)")
                continue
            }
            #expect(x.description == said && y.description == said, "\(x) / \(y)")
        }
    }

    /// Contacts as dedupe writes them from a contacts file (unusable, folded, non-ASCII and quoted emails), then
    /// hand-written lines the two readers must read, and refuse, alike.
    @Test func contactsReadAndAreRefusedAlike() {
        let csv = "id,name,emails\n" +
            "C1,Dana Reyes,Dana.Reyes@Northwind.example; dana+crm@northwind.example\n" +
            "C2,\"Müller, Jörg\",jörg@bücher.example;not an address;;\"\"\"q\"\"\"@x.example\n" +
            "C3,,first.last@googlemail.com\n" +
            "C4,\"Tab\there\",\n"
        let contacts = ContactsCSV.parse(Array(csv.utf8)).contacts
        #expect(contacts.count == 4 && contacts.contains { $0.emails.contains { $0.issue != nil } })
        var w = JSONWriter()
        for c in contacts {
            w.reset()
            c.writeJSON(&w)
            Self.expectSame(Contact.self, String(decoding: w.bytes, as: UTF8.self), refused: false)
        }
        let email = #"{"raw":"A@x.example","address":"A@x.example","key":"a@x.example","foldedKey":"a@x.example","issue":null}"#
        let line = #"{"id":"C1","name":"A","emails":[\#(email)],"line":2}"#
        func with(_ old: String, _ new: String) -> String { line.replacingOccurrences(of: old, with: new) }
        let emails = #""emails":[\#(email)]"#
        var cases: [(String, Bool)] = [(line, false)]
        cases.append((with(emails, #""emails":null"#), false))
        cases.append((with(emails + ",", ""), false))
        cases.append((with(#""line":2"#, #""line":2.0"#), false))
        cases.append((with(#""line":2"#, #""line":-7e2"#), false))
        cases.append((with(#""issue":null"#, #""x":[{"y":1}]"#), false))
        cases += [(#" { "n\u0061me" : "B", "name":"C", "id":"C9", "line":1, "emails":[] } "#, false)]
        cases.append((with(#""line":2"#, #""line":2.5"#), true))
        cases.append((with(#""line":2"#, #""line":"2""#), true))
        cases.append((with(#""line":2"#, #""line":null"#), true))
        cases.append((with(#","line":2"#, ""), true))
        cases.append((with(#""id":"C1","#, ""), true))
        cases.append((with(#""name":"A""#, #""name":null"#), true))
        cases.append((with(emails, #""emails":[1]"#), true))
        cases.append((with(emails, #""emails":{}"#), true))
        cases.append((with(#""raw":"A@x.example","#, ""), true))
        cases.append((with(#""key":"a@x.example""#, #""key":1"#), true))
        cases += [(line + ",", true), ("[]", true), ("{}", true), ("", true)]
        for (text, refused) in cases {
            Self.expectSame(Contact.self, text, refused: refused)
        }
    }

    /// Contacts made from what real clients, lists and servers wrote: each address header of the third-party
    /// corpora (display names, comments, quoted and encoded words, groups, broken addresses) as one contact's
    /// emails cell, read back through both readers.
    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus contacts skipped"))
    func contactsFromRealAddressHeadersReadAlike() throws {
        func cell(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var rows = ["id,name,emails"]
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            for field in ASCIIReadingCorporaTests.headerFields(bytes) {
                let lower = field.lowercased()
                guard ["from:", "to:", "cc:", "reply-to:"].contains(where: { lower.hasPrefix($0) }),
                      let colon = field.firstIndex(of: ":") else { continue }
                let value = String(field[field.index(after: colon)...])
                let name = value.split(separator: "<").first.map(String.init) ?? ""
                rows.append("C\(rows.count),\(cell(name)),\(cell(value.replacingOccurrences(of: ",", with: ";")))")
            }
        }
        let contacts = ContactsCSV.parse(Array(rows.joined(separator: "\n").utf8)).contacts
        var w = JSONWriter()
        for c in contacts {
            w.reset()
            c.writeJSON(&w)
            Self.expectSame(Contact.self, String(decoding: w.bytes, as: UTF8.self), refused: false)
        }
        let emails = contacts.flatMap(\.emails)
        #expect(contacts.count > 400 && emails.contains { $0.issue != nil } && emails.contains { $0.foldedKey != $0.key }
                && contacts.contains { $0.name.contains("=?") } && contacts.contains { $0.name.contains("\"") },
                "\(contacts.count) contacts, \(emails.count) emails")
    }
}
