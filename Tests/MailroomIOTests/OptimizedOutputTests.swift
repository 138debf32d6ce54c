import Foundation
import MailroomCore
import Testing

/// The fast paths of the stages must write exactly what the general code writes. Dedupe builds each
/// `dedupe/messages.ndjson` line from the message's `normalize/messages.ndjson` line without decoding it
/// (`DedupedMessage.jsonLine`); these tests compare that with decoding the line and encoding the record, for every
/// message of the sample data and of the third-party corpora (skipped when absent).
struct OptimizedOutputTests {
    /// The repository root, from this file's path (`Tests/MailroomIOTests/<file>` → up three levels).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpora = root.deletingLastPathComponent().appendingPathComponent("shared/corpora")
    static let corporaPresent = FileManager.default.fileExists(atPath: corpora.path)

    /// Every regular file under `dir` of at most 2 MB, sorted by path.
    static func files(under dir: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])
        else { return [] }
        var out: [URL] = []
        for case let url as URL in walker {
            let v = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            if v?.isRegularFile == true, (v?.fileSize ?? 0) <= 2 << 20 { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Normalizes each file as one message; returns the `normalize/messages.ndjson` lines of those that are mail.
    static func normalizedLines(_ files: [URL]) throws -> [[UInt8]] {
        let settings = NormalizeSettings(owner: ["dana.reyes@northwind.example"], ownDomains: ["northwind.example"])
        var lines: [[UInt8]] = []
        for (i, url) in files.enumerated() {
            let bytes = try [UInt8](Data(contentsOf: url))
            let copy = MessageCopy(copyId: "m/INBOX/\(i)", mailbox: "m", source: .maildir, folder: "INBOX",
                                   locator: Locator(file: url.lastPathComponent, offset: 0, length: bytes.count),
                                   flags: i % 2 == 0 ? ["seen"] : [], date: nil)
            let outcome = bytes.withUnsafeBytes { Normalizer.normalize(copy: copy, bytes: $0, settings: settings) }
            if case .message(let m) = outcome { lines.append(m.jsonBytes()) }
        }
        return lines
    }

    /// Checks the spliced line against decode-then-encode for each line; returns how many were compared.
    static func checkSplicedLines(_ lines: [[UInt8]]) throws -> Int {
        var w = JSONWriter()
        for (i, line) in lines.enumerated() {
            let message = try NormalizedMessage(jsonBytes: line)
            let copies = [CopyRef(copyId: message.copyId, mailbox: message.mailbox, folder: message.folder, flags: message.flags),
                          CopyRef(copyId: "m/Sent/\(i)", mailbox: "m", folder: "Sent \"x\"", flags: ["seen", "replied"])]
            let key = i % 3 == 0 ? "hash:\(message.contentHash)" : "mid:<\(i)>\\\"é"
            let expected = DedupedMessage(key: key, message: message, copies: copies).jsonBytes()
            let spliced = line.withUnsafeBytes { DedupedMessage.jsonLine(key: key, messageLine: $0, copies: copies, into: &w) }
            #expect(spliced)
            #expect(w.bytes == expected, "message \(i): \(message.copyId)")
        }
        return lines.count
    }

    /// Checks that threading's partial read of each dedupe line (`DedupedThreadFields`, other fields skipped)
    /// gives the same `ThreadInput` as decoding the whole `DedupedMessage`; returns how many were compared.
    static func checkThreadFields(_ lines: [[UInt8]]) throws -> Int {
        for (i, line) in lines.enumerated() {
            let message = try NormalizedMessage(jsonBytes: line)
            let copies = [CopyRef(copyId: message.copyId, mailbox: message.mailbox, folder: message.folder, flags: message.flags)]
            let deduped = DedupedMessage(key: "mid:\(i)", message: message, copies: copies).jsonBytes()
            let keys = try #require(DedupedThreadFields.decodedKeys)
            let partial = try deduped.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: keys) }
            let fields = try DedupedThreadFields(json: partial)
            #expect(ThreadInput(fields) == ThreadInput(try DedupedMessage(jsonBytes: deduped)), "message \(i): \(message.copyId)")
            #expect(try DedupedThreadFields(jsonBytes: fields.jsonBytes()) == fields)
        }
        return lines.count
    }

    /// Checks that deduplication's partial read of each normalize line (`NormalizedIdentityFields`) holds the
    /// same values as the whole `NormalizedMessage`; returns how many were compared.
    static func checkIdentityFields(_ lines: [[UInt8]]) throws -> Int {
        let keys = try #require(NormalizedIdentityFields.decodedKeys)
        for (i, line) in lines.enumerated() {
            let m = try NormalizedMessage(jsonBytes: line)
            let f = try NormalizedIdentityFields(json: line.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: keys) })
            #expect([f.copyId, f.mailbox, f.folder, f.contentHash] == [m.copyId, m.mailbox, m.folder, m.contentHash], "message \(i)")
            #expect(f.flags == m.flags && f.messageId == m.messageId, "message \(i)")
            let d = try partial(NormalizedDedupeFields.self, line)
            #expect(d == NormalizedDedupeFields(m), "message \(i)")
            #expect(try NormalizedDedupeFields(jsonBytes: d.jsonBytes()) == d)
            var a = MessageDeduplicator(), b = MessageDeduplicator()
            #expect(a.observe(messageId: d.identity.messageId, contentHash: d.identity.contentHash,
                              sender: MessageDeduplicator.sender(d.fromKeys), date: d.date) == b.observe(m))
        }
        return lines.count
    }

    /// A dedupe line with two copies (the second in another mailbox and folder), as dedupe writes it.
    static func dedupedLine(_ line: [UInt8], _ i: Int) throws -> [UInt8] {
        let message = try NormalizedMessage(jsonBytes: line)
        let copies = [CopyRef(copyId: message.copyId, mailbox: message.mailbox, folder: message.folder, flags: message.flags),
                      CopyRef(copyId: "n/Sent/\(i)", mailbox: i % 2 == 0 ? "n" : message.mailbox, folder: "Sent \"é\"", flags: ["seen"])]
        return DedupedMessage(key: "mid:\(i)", message: message, copies: copies).jsonBytes()
    }

    static func partial<R: JSONRecord>(_: R.Type, _ line: [UInt8]) throws -> R {
        let keys = try #require(R.decodedKeys)
        return try R(json: line.withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: keys) })
    }

    /// Checks that the report's and the matcher's partial reads (`DedupedReportFields`, `DedupedMatchFields`,
    /// `LinkReportFields`, `ContactReportFields`) give the same report and the same links, threads and unmatched
    /// addresses as the whole records;
    /// returns how many were compared.
    static func checkReportAndMatchFields(_ lines: [[UInt8]]) throws -> Int {
        let run = DryRunReport.RunInfo(runId: "r", pipeline: "p", asOf: "2026-11-20", days: 30,
                                       windowStart: "2026-10-21", windowEnd: "2026-11-20")
        var fullReport = ReportBuilder(run: run), partialReport = ReportBuilder(run: run)
        // Every fourth address of the messages is a contact's, so links, threads and unmatched addresses vary.
        var contacts: [Contact] = []
        for (i, line) in lines.enumerated() {
            let m = try NormalizedMessage(jsonBytes: line)
            for (k, (_, a)) in m.allAddresses.enumerated() where (i + k) % 4 == 0 {
                let n = contacts.count
                let email = ContactEmail(raw: a.address, address: a.address, key: a.key,
                                         foldedKey: AddressNormalizer.foldedKey(a), issue: nil)
                let other = "other\(n)@elsewhere.example"
                let first = ContactEmail(raw: other, address: other, key: other, foldedKey: other, issue: nil)
                contacts.append(Contact(id: "c\(n % 7)", name: "", emails: k % 2 == 0 ? [email] : [first, email], line: n + 2))
            }
        }
        let unusable = ContactEmail(raw: "not an address", address: nil, key: nil, foldedKey: nil, issue: "invalid")
        contacts.append(Contact(id: "c-none", name: "No address", emails: [unusable], line: contacts.count + 2))
        contacts.append(Contact(id: "c-empty", name: "", emails: [], line: contacts.count + 2))
        let contactViews = try contacts.map { try partial(ContactReportFields.self, $0.jsonBytes()) }
        #expect(contactViews == contacts.map(ContactReportFields.init))
        #expect(contactViews.filter { !$0.hasAddress }.count == 2)
        fullReport.add(contacts: contacts, groups: [])
        partialReport.add(contacts: contactViews, groups: [])
        let index = ContactIndex(contacts: contacts)
        var fullMatcher = Matcher(ownDomains: ["northwind.example"], owner: [], contacts: index)
        var partialMatcher = fullMatcher
        for (i, line) in lines.enumerated() {
            let deduped = try dedupedLine(line, i)
            let whole = try DedupedMessage(jsonBytes: deduped)
            let r = try partial(DedupedReportFields.self, deduped)
            #expect(r == DedupedReportFields(whole), "message \(i)")
            #expect(try DedupedReportFields(jsonBytes: r.jsonBytes()) == r)
            let tr = try partial(DedupedThreadReportFields.self, deduped)
            let threadFields = try partial(DedupedThreadFields.self, deduped)
            #expect(tr.report == r && tr.thread == threadFields, "message \(i)")
            #expect(try DedupedThreadReportFields(jsonBytes: tr.jsonBytes()) == tr)
            fullReport.add(message: whole)
            partialReport.add(message: r)
            let f = try partial(DedupedMatchFields.self, deduped)
            #expect(f == DedupedMatchFields(whole), "message \(i)")
            #expect(try DedupedMatchFields(jsonBytes: f.jsonBytes()) == f)
            let thread = "t\(i % 5)"
            let links = fullMatcher.add(whole, threadId: thread)
            #expect(partialMatcher.add(f, threadId: thread) == links, "message \(i)")
            for l in links {
                let view = try partial(LinkReportFields.self, l.jsonBytes())
                #expect(view == LinkReportFields(address: l.address, ambiguous: l.ambiguous))
                fullReport.add(link: l)
                partialReport.add(link: view)
            }
        }
        #expect(partialReport.finish().jsonBytes() == fullReport.finish().jsonBytes())
        let (fullThreads, fullUnmatched) = fullMatcher.finish()
        let (threads, unmatched) = partialMatcher.finish()
        #expect(threads == fullThreads && unmatched == fullUnmatched)
        return lines.count
    }

    @Test func partialReadsOfTheReportAndTheMatcherEqualTheFullRecordsOnTheSampleData() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.root.appendingPathComponent("sample-data/mailbox")))
        #expect(lines.count > 250)
        #expect(try Self.checkReportAndMatchFields(lines) == lines.count)
    }

    @Test(.enabled(if: corporaPresent, "../shared/corpora is absent"))
    func partialReadsOfTheReportAndTheMatcherEqualTheFullRecordsOnTheCorpora() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.corpora))
        #expect(lines.count > 20)
        #expect(try Self.checkReportAndMatchFields(lines) == lines.count)
    }

    @Test func splicedDedupeLinesEqualEncodedRecordsOnTheSampleData() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.root.appendingPathComponent("sample-data/mailbox")))
        #expect(lines.count > 250)
        #expect(try Self.checkSplicedLines(lines) == lines.count)
    }

    @Test(.enabled(if: corporaPresent, "../shared/corpora is absent"))
    func splicedDedupeLinesEqualEncodedRecordsOnTheCorpora() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.corpora))
        #expect(lines.count > 20)
        #expect(try Self.checkSplicedLines(lines) == lines.count)
    }

    @Test func partialReadsOfDedupeAndThreadingEqualTheFullRecordsOnTheSampleData() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.root.appendingPathComponent("sample-data/mailbox")))
        #expect(lines.count > 250)
        #expect(try Self.checkThreadFields(lines) == lines.count)
        #expect(try Self.checkIdentityFields(lines) == lines.count)
    }

    @Test(.enabled(if: corporaPresent, "../shared/corpora is absent"))
    func partialReadsOfDedupeAndThreadingEqualTheFullRecordsOnTheCorpora() throws {
        let lines = try Self.normalizedLines(Self.files(under: Self.corpora))
        #expect(lines.count > 20)
        #expect(try Self.checkThreadFields(lines) == lines.count)
        #expect(try Self.checkIdentityFields(lines) == lines.count)
    }

    @Test(arguments: [
        #"{"a":1,"skip":"unterminated}"#, #"{"a":1,"skip":[1,2}"#, #"{"a":1,"skip":{"k" 1}}"#, #"{"a":1,"skip":tru}"#,
        #"{"a":1,"skip":{"k":[1]]}"#, "[1]", #"{"a":1,"skip":"x"} x"#,
    ])
    func partialParsingStillRejectsMalformedSkippedValues(_ text: String) {
        #expect(throws: JSONError.self) {
            try Array(text.utf8).withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: ["a"]) }
        }
    }

    @Test func partialParsingKeepsOnlyTheNamedKeys() throws {
        let text = #"{"a":1,"skip":{"k":["\"]}",{"x":null}]},"b":"é","c":[true]}"#
        let v = try Array(text.utf8).withUnsafeBufferPointer { try JSONParser.parse(buffer: $0, keeping: ["a", "b"]) }
        #expect(v == .object(["a": .int(1), "b": .string("é")]))
    }

    @Test func aLineNotWrittenByNormalizeIsNotSpliced() throws {
        var w = JSONWriter()
        for text in [#"{ "copyId":"a"}"#, #"{"mailbox":"m","copyId":"a"}"#, #"{"copyId":"a""#, "", "{}"] {
            let ok = Array(text.utf8).withUnsafeBytes { DedupedMessage.jsonLine(key: "k", messageLine: $0, copies: [], into: &w) }
            #expect(!ok, "\(text)")
        }
    }
}
