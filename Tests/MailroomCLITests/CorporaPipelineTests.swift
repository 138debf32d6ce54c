import Foundation
import Testing

/// `../shared/corpora` relative to the repository root, or nil when absent.
enum CorporaLocation {
    static let url: URL? = {
        let url = MailroomProcess.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
    }()
}

/// Every folder of the real third-party mail in `../shared/corpora` through the real binary's dry run: no crash, no
/// hang, every message found is normalized or quarantined with a documented reason, every output line is JSON.
/// Skipped when `../shared/corpora` is absent (a fresh clone elsewhere).
@Suite(.enabled(if: CorporaLocation.url != nil, "../shared/corpora is absent"))
struct CorporaPipelineTests {
    static var corpora: URL? { CorporaLocation.url }

    /// Corpus folders that hold mail (each has a MANIFEST.tsv listing its messages).
    static let folders: [String] = {
        guard let corpora else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpora.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: corpora.appendingPathComponent("\($0)/MANIFEST.tsv").path)
        }.sorted()
    }()

    /// MANIFEST.tsv counts mbox messages by `From ` lines; where that naive count is wrong, the right one (the
    /// same table as MailroomIOTests' ExtractCorporaTests, which explains each).
    static let mboxCountOverrides: [String: Int] = [
        "mimekit/mbox/content-length.mbox.txt": 29,
        "mimekit/mbox/unmunged.mbox.txt": 2,
        "mimekit/mbox/simple.mbox.txt": 3,
        "gmime/mbox/substring.mbox": 3,
    ]

    /// The quarantine reasons `QuarantineRecord.reason` documents.
    static let quarantineReasons: Set<String> = [
        "empty", "not-a-message", "binary-content", "too-large", "header-too-large", "unreadable",
    ]

    /// One corpus folder laid out as mailboxes in `dir`: single-message files copied as `.eml`, mbox files copied as
    /// `.mbox`, and mu's Maildirs read in place. Returns the pipeline and the number of messages each mailbox holds.
    static func layOut(_ folder: String, in dir: URL) throws -> (pipeline: URL, expected: [String: Int]) {
        let fm = FileManager.default
        let corpus = try #require(corpora).appendingPathComponent(folder)
        let text = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        var eml: Set<String> = [], mbox: [String: Int] = [:], maildir = 0
        for line in text.split(separator: "\n").dropFirst() {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count > 1 else { continue }
            let file = cols[0], kind = cols[1]
            let parts = file.split(separator: "/")
            let inMaildir = parts.count >= 2 && ["cur", "new", "tmp"].contains(parts[parts.count - 2])
            if kind == "mbox" {
                mbox[file, default: 0] += 1
            } else if inMaildir {
                // Maildir files: read in place by a maildir mailbox; tmp/ is ignored by design.
                if parts[parts.count - 2] != "tmp" { maildir += 1 }
            } else {
                eml.insert(file)
            }
        }
        var expected: [String: Int] = [:]
        var mailboxes: [String] = []
        func mailbox(_ name: String, _ source: String, _ path: String) {
            mailboxes.append("  - name: \(name)\n    source: \(source)\n    path: \(path)\n    owner: [owner@example.invalid]\n")
        }
        if !eml.isEmpty {
            let emlDir = dir.appendingPathComponent("eml")
            try fm.createDirectory(at: emlDir, withIntermediateDirectories: true)
            for f in eml {
                try fm.copyItem(at: corpus.appendingPathComponent(f),
                                to: emlDir.appendingPathComponent(f.replacingOccurrences(of: "/", with: "__") + ".eml"))
            }
            mailbox("eml", "eml", "eml")
            expected["eml"] = eml.count
        }
        if !mbox.isEmpty {
            let mboxDir = dir.appendingPathComponent("mbox")
            try fm.createDirectory(at: mboxDir, withIntermediateDirectories: true)
            for (f, n) in mbox {
                try fm.copyItem(at: corpus.appendingPathComponent(f),
                                to: mboxDir.appendingPathComponent(f.replacingOccurrences(of: "/", with: "__") + ".mbox"))
                expected["mbox", default: 0] += mboxCountOverrides["\(folder)/\(f)"] ?? n
            }
            mailbox("mbox", "mbox", "mbox")
        }
        if maildir > 0 {
            mailbox("maildir", "maildir", corpus.path)
            expected["maildir"] = maildir
        }
        let pipeline = dir.appendingPathComponent("p.yml")
        try ("name: corpus-\(folder)\nmailboxes:\n" + mailboxes.joined() + "ownDomains: [example.invalid]\n")
            .write(to: pipeline, atomically: false, encoding: .utf8)
        return (pipeline, expected)
    }

    /// A dry run of `folder` laid out in `tmp` (`layOut`) over a very wide window; a run that takes longer than
    /// 60 s is a hang (the whole corpus takes about a second). Requires exit 0.
    static func dryRun(_ folder: String, in tmp: URL) throws -> (runDir: URL, expected: [String: Int], result: MailroomProcess.Result) {
        let (pipeline, expected) = try layOut(folder, in: tmp)
        let runDir = tmp.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--days", "36500", "--as-of", "2026-11-20",
                                         "--run-dir", runDir.path, "--json"], timeout: 60)
        try #require(r.status == 0, "\(folder): exit \(r.status): \(r.stderr)")
        return (runDir, expected, r)
    }

    @Test(arguments: folders)
    func everyMessageOfTheCorpusIsNormalizedOrQuarantinedWithAReason(folder: String) throws {
        let tmp = MailroomProcess.tempDir("corpus-\(folder)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (runDir, expected, r) = try Self.dryRun(folder, in: tmp)

        // Found = what the corpus holds; every copy extracted is normalized or quarantined.
        let extract = try RunFiles.ndjson(runDir.appendingPathComponent("extract/messages.ndjson"))
        let messages = try RunFiles.ndjson(runDir.appendingPathComponent("normalize/messages.ndjson"))
        let quarantine = try RunFiles.ndjson(runDir.appendingPathComponent("normalize/quarantine.ndjson"))
        var found: [String: Int] = [:]
        for c in extract { found[(c["mailbox"] as? String) ?? "?", default: 0] += 1 }
        let manifest = try RunFiles.jsonObject(runDir.appendingPathComponent("manifest.json"))
        let stages = manifest["stages"] as? [String: Any]
        let counts = (stages?["extract"] as? [String: Any])?["counts"] as? [String: Any]
        #expect(counts?["found"] as? Int == expected.values.reduce(0, +), "\(folder): found")
        #expect(counts?["outsideWindow"] as? Int == 0, "\(folder): nothing outside a 100-year window")
        #expect(found == expected, "\(folder): copies per mailbox")
        #expect(extract.count == messages.count + quarantine.count)
        let extracted = Set(extract.compactMap { $0["copyId"] as? String })
        let accounted = Set((messages + quarantine).compactMap { $0["copyId"] as? String })
        #expect(extracted.count == extract.count, "\(folder): copy ids are unique")
        #expect(extracted == accounted, "\(folder): \(extracted.symmetricDifference(accounted).sorted().prefix(5))")
        for q in quarantine {
            let reason = (q["reason"] as? String) ?? ""
            #expect(Self.quarantineReasons.contains(reason), "\(folder): \(String(describing: q["copyId"])): reason '\(reason)'")
            #expect(((q["detail"] as? String) ?? "").count > 0, "\(folder): \(String(describing: q["copyId"])): no detail")
        }
        // Every line of every stage file is a JSON object (RunFiles.ndjson requires it) in valid UTF-8.
        for file in RunFiles.stageFiles {
            let url = runDir.appendingPathComponent(file)
            #expect(String(validating: try RunFiles.bytes(url), as: UTF8.self) != nil, "\(folder): \(file) is not UTF-8")
            _ = try RunFiles.ndjson(url)
        }
        // The --json report is one document, and it counts what the files hold.
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let m = doc["messages"] as? [String: Any]
        #expect(m?["quarantined"] as? Int == quarantine.count)
        let dedupe = try RunFiles.ndjson(runDir.appendingPathComponent("dedupe/messages.ndjson"))
        #expect(m?["unique"] as? Int == dedupe.count)
        #expect((m?["duplicates"] as? Int).map { $0 + dedupe.count } == messages.count)
        let threads = try RunFiles.ndjson(runDir.appendingPathComponent("match/threads.ndjson"))
        #expect(threads.flatMap { ($0["messageKeys"] as? [String]) ?? [] }.count == dedupe.count)
        // Thread records, made on every core, come in thread-id order, each thread once, every message in one.
        let ids = threads.compactMap { $0["threadId"] as? String }
        #expect(ids.count == threads.count && ids == ids.sorted() && Set(ids).count == ids.count, "\(folder): thread order")
        #expect(Set(threads.flatMap { ($0["messageKeys"] as? [String]) ?? [] }) == Set(dedupe.compactMap { $0["key"] as? String }),
                "\(folder): every message in a thread")
    }

    /// Every corpus folder laid out as mailboxes (its single-message files as a folder of .eml files, its mbox
    /// files, mu's Maildirs in place: files as real clients, servers and libraries' tests wrote them): in a run,
    /// extract hands normalize the bytes of the .eml and Maildir files it read whole; `mailroom stage normalize`
    /// run again over the same run directory reads every file itself, and writes the same lines.
    @Test(arguments: folders)
    func aRunNormalizesMessageFilesAsNormalizeAloneReadsThem(folder: String) throws {
        let tmp = MailroomProcess.tempDir("corpus-handoff-\(folder)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let runDir = try Self.dryRun(folder, in: tmp).runDir
        let files = ["normalize/messages.ndjson", "normalize/quarantine.ndjson"]
        let fused = try files.map { try RunFiles.bytes(runDir.appendingPathComponent($0)) }
        #expect(try RunFiles.ndjson(runDir.appendingPathComponent(files[0])).count >= 5, "\(folder)")
        let again = try MailroomProcess.run(["stage", "normalize", "--run", runDir.path, "--quiet"], timeout: 60)
        try #require(again.status == 0, "\(folder): exit \(again.status): \(again.stderr)")
        for (file, bytes) in zip(files, fused) {
            #expect(try RunFiles.bytes(runDir.appendingPathComponent(file)) == bytes, "\(folder): \(file)")
        }
    }

    @Test func theCorporaHaveTheFoldersTheREADMEDescribes() throws {
        #expect(Self.folders.count >= 9)
        #expect(Self.folders.contains("mu") && Self.folders.contains("mimekit") && Self.folders.contains("b4"))
    }

    /// The corpus's single-message files (not mbox, not Maildir) relative to its folder.
    static func singleMessageFiles(_ folder: String) throws -> [String] {
        let corpus = try #require(corpora).appendingPathComponent(folder)
        let text = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        var out: Set<String> = []
        for line in text.split(separator: "\n").dropFirst() {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count > 1, cols[1] != "mbox" else { continue }
            let parts = cols[0].split(separator: "/")
            if parts.count >= 2 && ["cur", "new", "tmp"].contains(parts[parts.count - 2]) { continue }
            out.insert(cols[0])
        }
        return out.sorted()
    }

    /// `bytes` with every CRLF made LF (`crlf` false) or every lone LF made CRLF (`crlf` true). Lone CRs stay.
    static func lineEnds(_ bytes: [UInt8], crlf: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        for (i, b) in bytes.enumerated() {
            if b == 0x0D, !crlf, i + 1 < bytes.count, bytes[i + 1] == 0x0A { continue }
            if b == 0x0A, crlf, i == 0 || bytes[i - 1] != 0x0D { out.append(0x0D) }
            out.append(b)
        }
        return out
    }

    @Test(arguments: folders)
    func lfAndCRLFCopiesOfTheCorpusNormalizeTheSame(folder: String) throws {
        let files = try Self.singleMessageFiles(folder)
        guard !files.isEmpty else { return }  // only mbox files or Maildirs in this folder
        let corpus = try #require(Self.corpora).appendingPathComponent(folder)
        let tmp = MailroomProcess.tempDir("corpus-ends-\(folder)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        // One run, two mailboxes: `lf` (every CRLF made LF) and `crlf` (every lone LF made CRLF).
        for variant in ["lf", "crlf"] {
            let dir = tmp.appendingPathComponent(variant)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in files {
                let bytes = Self.lineEnds(try RunFiles.bytes(corpus.appendingPathComponent(f)), crlf: variant == "crlf")
                try Data(bytes).write(to: dir.appendingPathComponent(f.replacingOccurrences(of: "/", with: "__") + ".eml"))
            }
        }
        let pipeline = tmp.appendingPathComponent("p.yml")
        try """
        name: line-ends
        mailboxes:
          - {name: lf, source: eml, path: lf, owner: [owner@example.invalid]}
          - {name: crlf, source: eml, path: crlf, owner: [owner@example.invalid]}
        ownDomains: [example.invalid]

        """.write(to: pipeline, atomically: false, encoding: .utf8)
        let runDir = tmp.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--days", "36500", "--as-of", "2026-11-20",
                                         "--run-dir", runDir.path], timeout: 60)
        try #require(r.status == 0, "\(folder): \(r.stderr)")
        // Per mailbox and file: the normalized record without its byte count and mailbox, or the quarantine reason.
        var results: [String: [String: NSDictionary]] = ["lf": [:], "crlf": [:]]
        func place(_ record: [String: Any], _ value: NSDictionary) {
            let mailbox = (record["mailbox"] as? String) ?? ""
            let copy = String(((record["copyId"] as? String) ?? "").dropFirst(mailbox.count + 1))
            results[mailbox, default: [:]][copy] = value
        }
        for m in try RunFiles.ndjson(runDir.appendingPathComponent("normalize/messages.ndjson")) {
            var stripped = m
            for k in ["size", "mailbox", "copyId"] { stripped[k] = nil }
            place(m, stripped as NSDictionary)
        }
        for q in try RunFiles.ndjson(runDir.appendingPathComponent("normalize/quarantine.ndjson")) {
            place(q, ["quarantined": q["reason"] ?? ""] as NSDictionary)
        }
        #expect(results["lf"]?.count == files.count, "\(folder): every LF file is a message or quarantined")
        #expect(results["crlf"]?.count == files.count, "\(folder): every CRLF file is a message or quarantined")
        var differing: [String] = []
        for (copy, lf) in results["lf"] ?? [:] where results["crlf"]?[copy] != lf { differing.append(copy) }
        #expect(differing.isEmpty, "\(folder): LF and CRLF differ for \(differing.sorted().prefix(5))")
        // Identities do not depend on line ends: each kept message holds the same files from both mailboxes.
        for d in try RunFiles.ndjson(runDir.appendingPathComponent("dedupe/messages.ndjson")) {
            var files: [String: Set<String>] = ["lf": [], "crlf": []]
            for c in (d["copies"] as? [[String: Any]]) ?? [] {
                let mailbox = (c["mailbox"] as? String) ?? ""
                files[mailbox, default: []].insert(String(((c["copyId"] as? String) ?? "").dropFirst(mailbox.count + 1)))
            }
            #expect(files["lf"] == files["crlf"], "\(folder): \(String(describing: d["key"]))")
        }
    }
}
