import Crypto
import Foundation
import Testing

/// `mailroom stage STAGE --run DIR` on a finished sample dry run: byte-identical reruns, stale downstream stages
/// that refuse to be skipped, and fixed contacts taking effect through `stage match` alone.
@Suite struct StageRerunTests {
    /// A finished 60-day sample dry run in a fresh temporary folder, with a copy of its files before any rerun.
    struct Run {
        let tmp: URL
        let dir: URL
        let before: URL

        init(pipeline: URL = RunFiles.samplePipeline, in tmp: URL = MailroomProcess.tempDir("rerun")) throws {
            self.tmp = tmp
            dir = tmp.appendingPathComponent("run")
            before = tmp.appendingPathComponent("before")
            try RunFiles.dryRun(pipeline, runDir: dir)
            try FileManager.default.copyItem(at: dir, to: before)
        }

        func stage(_ name: String) throws -> MailroomProcess.Result {
            try MailroomProcess.run(["stage", name, "--run", dir.path])
        }

        /// The files of `stage` that differ from before the reruns, with the first difference.
        func changed(_ files: [String]) throws -> [String] {
            try files.compactMap { f in
                let diff = RunFiles.firstDifference(expected: try RunFiles.bytes(before.appendingPathComponent(f)),
                                                    actual: try RunFiles.bytes(dir.appendingPathComponent(f)))
                return diff.map { "\(f): \($0)" }
            }
        }

        func remove() { try? FileManager.default.removeItem(at: tmp) }
    }

    static let normalizeFiles = RunFiles.stageFiles.filter { $0.hasPrefix("normalize/") }
    static let dedupeFiles = RunFiles.stageFiles.filter { $0.hasPrefix("dedupe/") }
    static let matchFiles = RunFiles.stageFiles.filter { $0.hasPrefix("match/") }

    @Test func rerunningNormalizeRewritesItsFilesByteForByteAndMakesLaterStagesStale() throws {
        let run = try Run()
        defer { run.remove() }
        let r = try run.stage("normalize")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Now stale: dedupe, match"))
        #expect(try run.changed(Self.normalizeFiles) == [])
        #expect(try RunFiles.stageStatus(run.dir, "normalize") == "complete")
        #expect(try RunFiles.stageStatus(run.dir, "dedupe") == "stale")
        #expect(try RunFiles.stageStatus(run.dir, "match") == "stale")
        #expect(try RunFiles.stageStatus(run.dir, "extract") == "complete")
        // No temporary file is left in the stage folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: run.dir.appendingPathComponent("normalize").path)
        #expect(left.sorted() == ["messages.ndjson", "quarantine.ndjson"])
    }

    @Test func matchRefusesWhileDedupeIsStaleAndNothingIsWritten() throws {
        let run = try Run()
        defer { run.remove() }
        try #require(try run.stage("normalize").status == 0)
        let manifestBefore = try RunFiles.bytes(run.dir.appendingPathComponent("manifest.json"))
        let r = try run.stage("match")
        #expect(r.status == 3)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("stage dedupe is stale"))
        #expect(r.stderr.contains("rerun it before match"))
        #expect(try run.changed(Self.matchFiles) == [])
        #expect(try RunFiles.bytes(run.dir.appendingPathComponent("manifest.json")) == manifestBefore)
        // The report refuses too: match is not complete.
        let report = try MailroomProcess.run(["report", "--run", run.dir.path])
        #expect(report.status == 3)
        #expect(report.stderr.contains("needs a complete match stage"))
    }

    @Test func rerunningDedupeThenMatchGivesByteIdenticalFilesAndEveryStageComplete() throws {
        let run = try Run()
        defer { run.remove() }
        for stage in ["normalize", "dedupe", "match"] {
            let r = try run.stage(stage)
            #expect(r.status == 0, "\(stage): \(r.stderr)")
        }
        #expect(try run.changed(RunFiles.stageFiles) == [])
        for stage in ["extract", "normalize", "dedupe", "match"] {
            #expect(try RunFiles.stageStatus(run.dir, stage) == "complete", "\(stage)")
        }
        // The report from the rerun files is the same document as the first one.
        let report = try MailroomProcess.run(["report", "--run", run.dir.path, "--json"])
        #expect(report.status == 0)
        #expect(report.stdoutBytes == (try RunFiles.bytes(run.before.appendingPathComponent("report.json"))))
    }

    @Test func matchAloneRerunsOnTheSameFilesByteForByte() throws {
        let run = try Run()
        defer { run.remove() }
        let r = try run.stage("match")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try run.changed(Self.dedupeFiles + Self.matchFiles) == [])
    }

    @Test func addingContactsForUnmatchedAddressesAndRerunningMatchAloneLinksThem() throws {
        let tmp = MailroomProcess.tempDir("rerun-contacts")
        let pipeline = try RunFiles.copySample(to: tmp)
        let run = try Run(pipeline: pipeline, in: tmp)
        defer { run.remove() }
        let unmatchedBefore = try RunFiles.ndjson(run.dir.appendingPathComponent("match/unmatched.ndjson"))
        let threadsBefore = try RunFiles.ndjson(run.dir.appendingPathComponent("match/threads.ndjson"))
        func threads(of address: String, _ list: [[String: Any]]) -> [[String: Any]] {
            list.filter { (($0["external"] as? [String]) ?? []).contains(address) }
        }
        // The top unmatched address (her thread is already matched through a colleague) and the first person's address whose
        // thread is unmatched only because of it (that thread must change class).
        let top = try #require(unmatchedBefore.first?["address"] as? String)
        #expect(top == "laura.bianchi@contoso.example")
        let people = unmatchedBefore.filter { ($0["bulkOnly"] as? Bool) == false }.compactMap { $0["address"] as? String }
        let second = try #require(people.first { a in
            let ts = threads(of: a, threadsBefore)
            return !ts.isEmpty && ts.allSatisfy { ($0["external"] as? [String]) == [a] }
        })
        #expect(second == "m.garcia@bluefin.example")
        let fixed = [top: "C998", second: "C999"]
        let becomeMatched = Set(fixed.keys.flatMap { threads(of: $0, threadsBefore) }
            .filter { ($0["classification"] as? String) == "unmatched" }.compactMap { $0["threadId"] as? String }).count
        #expect(becomeMatched >= 1)

        // Fix the contacts file.
        let csv = tmp.appendingPathComponent("sample-data/contacts.csv")
        var text = try String(contentsOf: csv, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "C998,Laura Bianchi,\(top)\nC999,Marta García,\(second)\n"
        try text.write(to: csv, atomically: false, encoding: .utf8)

        let r = try run.stage("match")
        #expect(r.status == 0, "\(r.stderr)")

        let unmatchedAfter = try RunFiles.ndjson(run.dir.appendingPathComponent("match/unmatched.ndjson"))
        #expect(!unmatchedAfter.contains { fixed[($0["address"] as? String) ?? ""] != nil })
        #expect(unmatchedAfter.count == unmatchedBefore.count - 2)
        let threadsAfter = try RunFiles.ndjson(run.dir.appendingPathComponent("match/threads.ndjson"))
        #expect(threadsAfter.count == threadsBefore.count)
        func count(_ threads: [[String: Any]], _ cls: String) -> Int {
            threads.filter { ($0["classification"] as? String) == cls }.count
        }
        #expect(count(threadsAfter, "matched") == count(threadsBefore, "matched") + becomeMatched)
        #expect(count(threadsAfter, "unmatched") == count(threadsBefore, "unmatched") - becomeMatched)
        #expect(count(threadsAfter, "internal-only") == count(threadsBefore, "internal-only"))
        for (address, id) in fixed {
            for t in threads(of: address, threadsAfter) {
                #expect(t["classification"] as? String == "matched")
                let contacts = (t["contacts"] as? [[String: Any]]) ?? []
                #expect(contacts.contains { ($0["contactId"] as? String) == id && ($0["rule"] as? String) == "primary-email" })
            }
        }
        let links = try RunFiles.ndjson(run.dir.appendingPathComponent("match/links.ndjson"))
        for (address, id) in fixed {
            let hers = links.filter { ($0["address"] as? String) == address }
            #expect(!hers.isEmpty)
            #expect(hers.allSatisfy { ($0["contactId"] as? String) == id })
        }

        // Dedupe's contact files were refreshed from the fixed file; its messages were not touched.
        let contacts = try RunFiles.ndjson(run.dir.appendingPathComponent("dedupe/contacts.ndjson"))
        #expect(contacts.count == 43)
        #expect(contacts.last?["id"] as? String == "C999")
        #expect(try run.changed(["dedupe/messages.ndjson", "dedupe/duplicates.ndjson"]) == [])
        for stage in ["dedupe", "match"] {
            #expect(try RunFiles.stageStatus(run.dir, stage) == "complete", "\(stage)")
        }
        // The report reads the refreshed files without complaint (they match the manifest).
        let report = try MailroomProcess.run(["report", "--run", run.dir.path, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(report.stdoutBytes)) as? [String: Any])
        let threads = try #require(doc["threads"] as? [String: Any])
        #expect(threads["matched"] as? Int == count(threadsAfter, "matched"))
        #expect(((doc["unmatchedAddresses"] as? [[String: Any]]) ?? []).count == unmatchedAfter.count)
    }

    @Test func theManifestRecordsEveryOutputsLinesBytesAndSHA256AndEachStageReadsItsPredecessors() throws {
        let run = try Run()
        defer { run.remove() }
        let manifest = try RunFiles.jsonObject(run.dir.appendingPathComponent("manifest.json"))
        #expect((manifest["schemaVersion"] as? String)?.isEmpty == false)
        let stages = try #require(manifest["stages"] as? [String: [String: Any]])
        var shaOf: [String: String] = [:]
        var recorded: [String] = []
        for name in ["extract", "normalize", "dedupe", "match"] {
            let stage = try #require(stages[name], "\(name)")
            #expect(stage["status"] as? String == "complete")
            #expect((stage["durationMs"] as? Int).map { $0 >= 0 } == true)
            #expect((stage["counts"] as? [String: Any])?.isEmpty == false, "\(name) records counts")
            for o in (stage["outputs"] as? [[String: Any]]) ?? [] {
                let file = try #require(o["file"] as? String)
                let bytes = try RunFiles.bytes(run.dir.appendingPathComponent(file))
                let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                #expect(o["bytes"] as? Int == bytes.count, "\(file)")
                #expect(o["lines"] as? Int == bytes.filter { $0 == 0x0A }.count, "\(file)")
                #expect(o["sha256"] as? String == sha, "\(file)")
                shaOf[file] = sha
                recorded.append(file)
            }
            // Inputs that are files of the run name the predecessor's output by its SHA-256.
            for i in (stage["inputs"] as? [[String: Any]]) ?? [] {
                guard let input = i["name"] as? String, let sha = shaOf[input] else { continue }
                #expect(i["fingerprint"] as? String == "sha256:\(sha)", "\(name) input \(input)")
            }
        }
        #expect(recorded.sorted() == RunFiles.stageFiles.sorted())
        let normalizeInputs = (stages["normalize"]?["inputs"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(normalizeInputs == ["extract/messages.ndjson"])
    }

    @Test func rerunningExtractGivesTheSameFileAndMakesEveryLaterStageStale() throws {
        let run = try Run()
        defer { run.remove() }
        let r = try run.stage("extract")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try run.changed(["extract/messages.ndjson"]) == [])
        for stage in ["normalize", "dedupe", "match"] {
            #expect(try RunFiles.stageStatus(run.dir, stage) == "stale", "\(stage)")
        }
        let d = try run.stage("dedupe")
        #expect(d.status == 3)
        #expect(d.stderr.contains("stage normalize is stale"))
    }

    @Test func aSecondRunIntoTheSameRunDirectoryIsRefusedAndChangesNothing() throws {
        let run = try Run()
        defer { run.remove() }
        let r = try MailroomProcess.run(["run", RunFiles.samplePipeline.path, "--dry-run", "--as-of", "2026-11-20",
                                         "--run-dir", run.dir.path])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("already holds a run"))
        #expect(try run.changed(RunFiles.stageFiles + ["manifest.json", "report.json"]) == [])
    }
}
