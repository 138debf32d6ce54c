import Foundation
import Testing

/// Files of run directories for the end-to-end tests: the stage files, byte comparison that reports the first
/// differing line, manifest reading, and sample-data copies in temporary folders.
enum RunFiles {
    /// Every file a dry run writes that must be the same on every run (relative to the run directory).
    static let stageFiles = [
        "extract/messages.ndjson",
        "extract/skipped.ndjson",
        "normalize/messages.ndjson",
        "normalize/quarantine.ndjson",
        "dedupe/messages.ndjson",
        "dedupe/duplicates.ndjson",
        "dedupe/contacts.ndjson",
        "dedupe/contact-groups.ndjson",
        "match/threads.ndjson",
        "match/links.ndjson",
        "match/unmatched.ndjson",
    ]

    static let samplePipeline = MailroomProcess.repoRoot.appendingPathComponent("pipelines/sample.yml")

    /// `mailroom run PIPELINE --dry-run --as-of 2026-11-20 --run-dir DIR` plus `extra`; the run must succeed.
    @discardableResult
    static func dryRun(_ pipeline: URL = samplePipeline, runDir: URL, extra: [String] = []) throws -> MailroomProcess.Result {
        let r = try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--as-of", "2026-11-20",
                                         "--run-dir", runDir.path] + extra)
        try #require(r.status == 0, "mailroom run failed (\(r.status)): \(r.stderr)")
        return r
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// nil when equal; else the first differing line (1-based) and both lines, shown from a little before the first
    /// differing byte (at most 300 bytes each).
    static func firstDifference(expected: [UInt8], actual: [UInt8]) -> String? {
        if expected == actual { return nil }
        let e = expected.split(separator: 0x0A, omittingEmptySubsequences: false)
        let a = actual.split(separator: 0x0A, omittingEmptySubsequences: false)
        func show(_ line: ArraySlice<UInt8>?, from column: Int) -> String {
            guard let line else { return "(no such line)" }
            let start = line.startIndex + min(column, line.count)
            let part = line[start..<min(line.endIndex, start + 300)]
            return (column > 0 ? "…" : "") + String(decoding: part, as: UTF8.self)
                + (part.endIndex < line.endIndex ? "… (\(line.count) bytes)" : "")
        }
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? e[i] : nil, al = i < a.count ? a[i] : nil
            if el != al {
                var column = 0
                if let el, let al {
                    while column < min(el.count, al.count),
                          el[el.startIndex + column] == al[al.startIndex + column] { column += 1 }
                }
                let from = max(0, column - 80)
                return "first difference at line \(i + 1), byte \(column + 1) (expected \(e.count - 1) lines, got \(a.count - 1)):\n"
                    + "  expected: \(show(el, from: from))\n  actual:   \(show(al, from: from))"
            }
        }
        return "same lines, different bytes"
    }

    /// The JSON object at `url` (Foundation's parser: independent of Mailroom's own).
    static func jsonObject(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(url.path)")
    }

    /// Each line of an NDJSON file as a JSON object.
    static func ndjson(_ url: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: url)
        var out: [[String: Any]] = []
        for (i, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().enumerated() {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                                 "\(url.lastPathComponent):\(i + 1) is not a JSON object")
            out.append(o)
        }
        return out
    }

    /// `stages.<stage>.status` of the run's manifest.
    static func stageStatus(_ runDir: URL, _ stage: String) throws -> String? {
        let m = try jsonObject(runDir.appendingPathComponent("manifest.json"))
        return ((m["stages"] as? [String: Any])?[stage] as? [String: Any])?["status"] as? String
    }

    /// Copies `pipelines/sample.yml` and `sample-data/` into `dir` with the same layout, so the pipeline's relative
    /// paths still work; returns the copied pipeline.
    static func copySample(to dir: URL) throws -> URL {
        let fm = FileManager.default
        let root = MailroomProcess.repoRoot
        try fm.createDirectory(at: dir.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try fm.copyItem(at: root.appendingPathComponent("sample-data"), to: dir.appendingPathComponent("sample-data"))
        let pipeline = dir.appendingPathComponent("pipelines/sample.yml")
        try fm.copyItem(at: samplePipeline, to: pipeline)
        return pipeline
    }

    /// Every regular file below `dir` (relative paths, sorted), skipping `.keep` markers.
    static func regularFiles(_ dir: URL) throws -> [String] {
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: dir.appendingPathComponent(rel).path, isDirectory: &isDir), !isDir.boolValue,
               !rel.hasSuffix(".keep") {
                out.append(rel)
            }
        }
        return out.sorted()
    }
}
