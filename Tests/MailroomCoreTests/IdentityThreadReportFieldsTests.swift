import Foundation
import Testing
@testable import MailroomCore

/// `NormalizedIdentityThreadReportFields`, read from a normalize line, gives dedupe the identity it reads of that
/// line and match's first pass the thread and report fields it would read of the line dedupe writes from it.
@Suite struct IdentityThreadReportFieldsTests {
    static let copies = [CopyRef(copyId: "c1", mailbox: "sales", folder: "INBOX", flags: ["\\Seen"]),
                         CopyRef(copyId: "c2", mailbox: "support", folder: "Archiv/\u{c4}lter", flags: [], labels: ["x"])]

    /// Dedupe's line for `normalized`, spliced as `DedupedMessage.jsonLine` splices it (that one also requires the
    /// line to start as `writeJSON` starts it, so that odd hand-written lines are spliced here).
    static func dedupeLine(_ normalized: String, key: String) -> [UInt8] {
        var w = JSONWriter()
        let body = Array(normalized.trimmingCharacters(in: .whitespaces).utf8)
        w.beginObject()
        w.field("key", key)
        w.appendRaw(UInt8(ascii: ","))
        body.withUnsafeBytes { w.appendRaw(UnsafeRawBufferPointer(rebasing: $0[1..<($0.count - 1)])) }
        w.field("copies", copies)
        w.endObject()
        return w.bytes
    }

    static func decode<R: JSONRecord>(_: R.Type, _ bytes: [UInt8]) -> Result<R, Error> {
        let keys = R.decodedKeys.map(JSONKeys.init)
        return bytes.withUnsafeBufferPointer { b in Result { try R.decodeLine(b, keys: keys) } }
    }

    /// Checks one normalize line: the identity (or refusal) is `NormalizedIdentityFields`'; the thread and report
    /// fields, when given, are the ones read back from dedupe's line; `expectBoth` says whether they should be.
    static func check(_ line: String, expectBoth: Bool?, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(line.utf8)
        let both = decode(NormalizedIdentityThreadReportFields.self, bytes)
        switch (both, decode(NormalizedIdentityFields.self, bytes)) {
        case (.success(let f), .success(let identity)):
            #expect(f.identity == identity, "\(line)", sourceLocation: sourceLocation)
            if let expectBoth { #expect((f.threadReport != nil) == expectBoth, "\(line)", sourceLocation: sourceLocation) }
            if let fields = f.threadReport(key: "mid:k\u{e9}@x", copies: copies) {
                let back = decode(DedupedThreadReportFields.self, dedupeLine(line, key: "mid:k\u{e9}@x"))
                #expect((try? back.get()) == fields, "\(line)", sourceLocation: sourceLocation)
            }
            // The tree reader (`init(json:)`) reads the same.
            let tree = bytes.withUnsafeBufferPointer { b in
                Result { try NormalizedIdentityThreadReportFields(json: JSONParser.parse(buffer: b)) }
            }
            #expect((try? tree.get()) == f, "\(line)", sourceLocation: sourceLocation)
            // What it writes reads back as itself.
            #expect((try? decode(NormalizedIdentityThreadReportFields.self, f.jsonBytes()).get()) == f,
                    "\(line)", sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", sourceLocation: sourceLocation)
        case (let a, let b):
            Issue.record("both fields \(a), identity alone \(b): \(line)", sourceLocation: sourceLocation)
        }
    }

    static func normalizeLine(_ m: NormalizedMessage) -> String {
        var w = JSONWriter()
        m.writeJSON(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test(.enabled(if: NormalizeCorpora.available, "../shared/corpora is absent: corpus records skipped"))
    func everyCorpusMessageGivesMatchWhatItReadsOfDedupesLine() throws {
        var read = 0
        for url in NormalizeCorpora.singleMessageFiles() {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, url.lastPathComponent) else { continue }
            let line = Self.normalizeLine(m)
            Self.check(line, expectBoth: true)
            // And the line dedupe really writes (`jsonLine`) reads back as the spliced one.
            var w = JSONWriter()
            _ = Array(line.utf8).withUnsafeBytes {
                DedupedMessage.jsonLine(key: "mid:k\u{e9}@x", messageLine: $0, copies: Self.copies, into: &w)
            }
            #expect(w.bytes == Self.dedupeLine(line, key: "mid:k\u{e9}@x"))
            read += 1
        }
        #expect(read > 200)
    }

    @Test func oddLinesGiveTheSameIdentityAndEitherMatchsFieldsOrNone() {
        let base = #"{"copyId":"c","mailbox":"m","folder":"INBOX","flags":["\\Seen"],"labels":null,"messageId":"a@x","# +
            #""contentHash":"h","date":"2026-11-16T10:00:00Z","subject":"Re: S","baseSubject":"s","from":[],"sender":null,"# +
            #""inReplyTo":["p@x"],"references":["r@x","p@x"],"direction":"received","bulk":["list-id"],"issues":["no-date"],"# +
            #""size":10,"snippet":"hi"}"#
        Self.check(base, expectBoth: true)
        // Escaped names, spaces, a member named twice (the last counts on both readings), unknown members.
        Self.check(#"  { "c\u006fpyId" : "c", "mailbox":"m","mailbox":"n","folder":"f","contentHash":"h","subject":"\u00e9","# +
                   #""baseSubject":"e","subject":"t","direction":"sent","x":{"y":[1,{"z":null}]},"date":null } "#, expectBoth: true)
        // Match's fields cannot be had from this line: none, and the identity all the same.
        for (from, to) in [(#""subject":"Re: S","#, ""),
                           (#""subject":"Re: S""#, #""subject":5"#),
                           (#""direction":"received""#, #""direction":"up""#),
                           (#""bulk":["list-id"]"#, #""bulk":"list-id""#),
                           (#""references":["r@x","p@x"]"#, #""references":[1]"#),
                           (#""size":10"#, #""key":"mid:own""#),
                           (#""size":10"#, #""copies":[]"#)] {
            let line = base.replacingOccurrences(of: from, with: to)
            #expect(line != base)
            Self.check(line, expectBoth: false)
        }
        // What dedupe refuses is refused alike, with the same words.
        for (from, to) in [(#""copyId":"c","#, ""), (#""contentHash":"h""#, #""contentHash":null"#),
                           (#""flags":["\\Seen"]"#, #""flags":[1]"#), (#""size":10"#, #""size":1,"#)] {
            Self.check(base.replacingOccurrences(of: from, with: to), expectBoth: nil)
        }
        for line in ["", "[]", "{", base + "x"] { Self.check(line, expectBoth: nil) }
    }
}
