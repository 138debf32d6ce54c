import Foundation
import Testing

/// The sample mailbox with LF line ends and a copy converted to CRLF give the same pipeline results: only the
/// byte counts (`size`, locator lengths, mbox offsets and the mbox copy ids made from them) may differ.
@Suite struct LineEndingTests {
    enum Layout: String, CaseIterable, CustomTestStringConvertible {
        /// The sample Maildir as it is, and a CRLF copy.
        case maildir
        /// The sample's messages written into one mboxrd file, LF and CRLF.
        case mbox

        var testDescription: String { rawValue }
    }

    /// Every LF not already preceded by CR becomes CRLF.
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 30)
        var previous: UInt8 = 0
        for b in bytes {
            if b == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(b)
            previous = b
        }
        return out
    }

    /// The sample's message files as one mboxrd file: an envelope line, the message, a blank line.
    static func mbox(_ files: [URL]) throws -> [UInt8] {
        var out: [UInt8] = []
        for f in files {
            out += Array("From MAILER-DAEMON Fri Nov 20 12:00:00 2026\n".utf8)
            out += try RunFiles.bytes(f)
            if out.last != 0x0A { out.append(0x0A) }
            out.append(0x0A)
        }
        return quoteFromLines(out)
    }

    /// mboxrd: a body line matching `>*From ` gets one more `>`; the envelope lines we wrote are left alone.
    static func quoteFromLines(_ bytes: [UInt8]) -> [UInt8] {
        let envelope = Array("From MAILER-DAEMON Fri Nov 20 12:00:00 2026".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let unquoted = line.drop { $0 == UInt8(ascii: ">") }
            if unquoted.starts(with: Array("From ".utf8)) && Array(line) != envelope {
                out.append(UInt8(ascii: ">"))
            }
            out += line
            out.append(0x0A)
        }
        out.removeLast()
        return out
    }

    /// Writes the LF and CRLF mailboxes of `layout` and a pipeline for each; returns (lf, crlf) pipelines.
    static func mailboxes(_ layout: Layout, in tmp: URL) throws -> (URL, URL) {
        let fm = FileManager.default
        let sample = MailroomProcess.repoRoot.appendingPathComponent("sample-data/mailbox")
        let files = try RunFiles.regularFiles(sample)
        var pipelines: [URL] = []
        for variant in ["lf", "crlf"] {
            let dir = tmp.appendingPathComponent(variant)
            let path: String
            switch layout {
            case .maildir:
                try fm.copyItem(at: sample, to: dir.appendingPathComponent("mail"))
                if variant == "crlf" {
                    for f in files {
                        let url = dir.appendingPathComponent("mail").appendingPathComponent(f)
                        try Data(crlf(try RunFiles.bytes(url))).write(to: url)
                    }
                }
                path = "mail"
            case .mbox:
                try fm.createDirectory(at: dir, withIntermediateDirectories: true)
                let lf = try mbox(files.map { sample.appendingPathComponent($0) })
                try Data(variant == "crlf" ? crlf(lf) : lf).write(to: dir.appendingPathComponent("all.mbox"))
                path = "all.mbox"
            }
            let p = dir.appendingPathComponent("p.yml")
            try """
            name: line-ends
            mailbox:
              source: \(layout.rawValue)
              path: \(path)
              owner: [dana.reyes@northwind.example, dana@northwind.example]
            ownDomains: [northwind.example]
            contacts: \(MailroomProcess.repoRoot.appendingPathComponent("sample-data/contacts.csv").path)

            """.write(to: p, atomically: false, encoding: .utf8)
            pipelines.append(p)
        }
        return (pipelines[0], pipelines[1])
    }

    /// The records of an NDJSON file with the byte-count fields removed (`size`; a locator's offset and length) and,
    /// for mbox, the copy ids (an mbox copy's id is its byte offset in the file).
    static func withoutByteCounts(_ url: URL, _ layout: Layout) throws -> [NSDictionary] {
        try RunFiles.ndjson(url).map { r in
            var r = r
            r["size"] = nil
            if var l = r["locator"] as? [String: Any] {
                l["offset"] = nil
                l["length"] = nil
                r["locator"] = l
            }
            if layout == .mbox {
                r["copyId"] = nil
                if let copies = r["copies"] as? [[String: Any]] {
                    r["copies"] = copies.map { c in var c = c; c["copyId"] = nil; return c }
                }
            }
            return r as NSDictionary
        }
    }

    @Test(arguments: Layout.allCases)
    func crlfAndLfCopiesOfTheSampleGiveTheSameResults(layout: Layout) throws {
        let tmp = MailroomProcess.tempDir("line-ends")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (lf, crlf) = try Self.mailboxes(layout, in: tmp)
        let lfRun = tmp.appendingPathComponent("run-lf"), crlfRun = tmp.appendingPathComponent("run-crlf")
        try RunFiles.dryRun(lf, runDir: lfRun, extra: ["--days", "36500"])
        try RunFiles.dryRun(crlf, runDir: crlfRun, extra: ["--days", "36500"])

        // The CRLF copy really is CRLF: more bytes for the same messages.
        let lfMessages = try RunFiles.ndjson(lfRun.appendingPathComponent("normalize/messages.ndjson"))
        let crlfMessages = try RunFiles.ndjson(crlfRun.appendingPathComponent("normalize/messages.ndjson"))
        try #require(lfMessages.count == 312 && crlfMessages.count == 312)
        let grown = zip(lfMessages, crlfMessages).filter { (($1["size"] as? Int) ?? 0) > (($0["size"] as? Int) ?? 0) }
        #expect(grown.count >= 300)

        // Everything but byte counts is the same, record for record, in the same order.
        for file in ["extract/messages.ndjson", "normalize/messages.ndjson", "normalize/quarantine.ndjson",
                     "dedupe/messages.ndjson", "dedupe/duplicates.ndjson"] {
            let a = try Self.withoutByteCounts(lfRun.appendingPathComponent(file), layout)
            let b = try Self.withoutByteCounts(crlfRun.appendingPathComponent(file), layout)
            #expect(a.count == b.count, "\(file)")
            for (i, (x, y)) in zip(a, b).enumerated() where x != y {
                Issue.record("\(file):\(i + 1) differs between LF and CRLF: \(x) vs \(y)")
                break
            }
        }
        // contentHash and messageId in particular (the dedupe keys).
        #expect(lfMessages.map { $0["contentHash"] as? String } == crlfMessages.map { $0["contentHash"] as? String })
        #expect(lfMessages.map { $0["messageId"] as? String } == crlfMessages.map { $0["messageId"] as? String })
        // Dedupe and match files hold no byte counts: byte for byte the same.
        for file in ["dedupe/contacts.ndjson", "dedupe/contact-groups.ndjson",
                     "match/threads.ndjson", "match/links.ndjson", "match/unmatched.ndjson"] {
            let diff = RunFiles.firstDifference(expected: try RunFiles.bytes(lfRun.appendingPathComponent(file)),
                                                actual: try RunFiles.bytes(crlfRun.appendingPathComponent(file)))
            #expect(diff == nil, "\(file): \(diff ?? "")")
        }
        // And the whole-mailbox figures are EXPECTED.md's in both.
        let report = try RunFiles.jsonObject(crlfRun.appendingPathComponent("report.json"))
        let threads = report["threads"] as? [String: Any]
        #expect(threads?["total"] as? Int == 91)
        #expect((report["messages"] as? [String: Any])?["duplicates"] as? Int == 18)
    }
}
