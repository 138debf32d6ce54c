import Foundation
import Testing

/// A Maildir scan keeps 64 message files open ahead of the one it reads. Running out of file descriptors is no
/// fault of a message file: the soft limit a shell gives is raised to the hard one at start, and when even that is
/// too low the run stops with exit 5 naming the limit. Never a run that ends with exit 0 and files skipped as
/// "unreadable" (as a 10,000-message Maildir under `ulimit -n 40` once did: 6,552 files skipped).
struct OpenFileLimitTests {
    static let messages = 300

    /// A Maildir of `messages` small files and a pipeline reading it.
    static func maildir() throws -> (dir: URL, pipeline: String) {
        let dir = MailroomProcess.tempDir("open-file-limit")
        let cur = dir.appendingPathComponent("Mail/cur")
        try FileManager.default.createDirectory(at: cur, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Mail/new"), withIntermediateDirectories: true)
        for k in 0..<messages {
            try "From: Ann <ann@customer.example>\nTo: me@example.com\nSubject: order \(k)\nMessage-ID: <m\(k)@customer.example>\nDate: Mon, 16 Nov 2026 10:00:00 +0000\n\nBody \(k)\n"
                .write(to: cur.appendingPathComponent("\(1_763_287_200 + k).M\(k)P1.host:2,S"), atomically: false, encoding: .utf8)
        }
        let pipeline = dir.appendingPathComponent("p.yml").path
        try "name: limit\nmailbox:\n  source: maildir\n  path: \(dir.appendingPathComponent("Mail").path)\n  owner: [me@example.com]\nownDomains: [example.com]\n"
            .write(toFile: pipeline, atomically: false, encoding: .utf8)
        return (dir, pipeline)
    }

    static func args(_ pipeline: String, _ dir: URL) -> [String] {
        ["run", pipeline, "--dry-run", "--as-of", "2026-11-20", "--days", "30", "--run-dir",
         dir.appendingPathComponent("run").path, "--json"]
    }

    static func found(_ r: MeasuredProcess.Result) -> (found: Int?, skipped: Int?) {
        let doc = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any]
        let m = doc?["messages"] as? [String: Any]
        return (m?["found"] as? Int, (doc?["skippedFiles"] as? [Any])?.count)
    }

    /// `ulimit -S -n 40` (the hard limit left as it is): raised at start, every file read.
    @Test func aLowSoftLimitIsRaisedAndEveryFileIsRead() throws {
        let (dir, pipeline) = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MeasuredProcess.run(Self.args(pipeline, dir), fileLimit: "-S -n 40")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.found(r).found == Self.messages)
        let skipped = try String(contentsOf: dir.appendingPathComponent("run/extract/skipped.ndjson"), encoding: .utf8)
        #expect(skipped.isEmpty, "\(skipped.prefix(300))")
    }

    /// `ulimit -n 24` (soft and hard): the scan opens fewer files ahead (`OpenFileLimit.filesAhead`), and the run
    /// either reads every file or stops with exit 5 and one line naming the problem; it never ends well with files
    /// skipped.
    @Test func aHardLimitTooLowStopsTheRunNamingTheLimit() throws {
        let (dir, pipeline) = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MeasuredProcess.run(Self.args(pipeline, dir), fileLimit: "-n 24")
        if r.status == 0 {
            #expect(Self.found(r).found == Self.messages)
            let skipped = try String(contentsOf: dir.appendingPathComponent("run/extract/skipped.ndjson"), encoding: .utf8)
            #expect(skipped.isEmpty, "\(skipped.prefix(300))")
        } else {
            // The message file that could not be opened (the limit named), or a run file that could not be
            // created (the system's own words): one line, exit 5.
            #expect(r.status == 5, "\(r.stderr)")
            #expect((r.stderr.contains("cannot open more files") && r.stderr.contains("ulimit -n is 24"))
                    || r.stderr.contains("Too many open files"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }
}
