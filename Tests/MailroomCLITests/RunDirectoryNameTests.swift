import Foundation
import Testing
@testable import MailroomIO

/// Default run directories are unique per run and sort by start time, so runs started within one second — one
/// after the other, or at once from two processes — all work.
@Suite struct RunDirectoryNameTests {
    /// A pipeline of two .eml files in a fresh folder; its runs go to `<folder>/runs/`.
    static func pipeline() throws -> URL {
        let dir = MailroomProcess.tempDir("run-names")
        let mail = dir.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mail, withIntermediateDirectories: true)
        for k in 1...2 {
            try "From: ann@customer.example\nTo: me@example.com\nSubject: m\(k)\nDate: Mon, 16 Nov 2026 10:00:0\(k) +0000\nMessage-ID: <m\(k)@customer.example>\n\nhello\n"
                .write(to: mail.appendingPathComponent("m\(k).eml"), atomically: false, encoding: .utf8)
        }
        let p = dir.appendingPathComponent("p.yml")
        try "name: names\nmailbox: {source: eml, path: mail, owner: me@example.com}\nownDomains: example.com\n"
            .write(to: p, atomically: false, encoding: .utf8)
        return p
    }

    /// The run directories' names, sorted; none when there is no `runs/` folder.
    static func runs(_ pipeline: URL) throws -> [String] {
        let runs = pipeline.deletingLastPathComponent().appendingPathComponent("runs").path
        guard FileManager.default.fileExists(atPath: runs) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: runs).sorted()
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [MailroomProcess.Result?] = []
        func add(_ r: MailroomProcess.Result?) { lock.withLock { results.append(r) } }
        var all: [MailroomProcess.Result?] { lock.withLock { results } }
    }

    @Test func runsStartedBackToBackAndAtOnceEachGetTheirOwnDirectory() throws {
        let p = try Self.pipeline()
        defer { try? FileManager.default.removeItem(at: p.deletingLastPathComponent()) }
        let args = ["run", p.path, "--dry-run", "--as-of", "2026-11-20", "--json", "--quiet"]
        // One after the other, well within a second of each other.
        var ids: [String] = []
        for _ in 0..<3 {
            let r = try MailroomProcess.run(args)
            #expect(r.status == 0, "\(r.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any]
            ids.append(((report?["run"] as? [String: Any])?["runId"] as? String) ?? "")
        }
        #expect(Set(ids).count == 3)
        #expect(ids == ids.sorted(), "names sort by start time: \(ids)")
        #expect(try Self.runs(p) == ids)
        // Two processes at once.
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in results.add(try? MailroomProcess.run(args)) }
        #expect(results.all.count == 2)
        for r in results.all {
            #expect(r?.status == 0, "\(r?.stderr ?? "did not run")")
        }
        let all = try Self.runs(p)
        #expect(all.count == 5)
        for name in all {
            let dir = p.deletingLastPathComponent().appendingPathComponent("runs/\(name)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.json").path), "\(name)")
        }
    }

    @Test func reservedNamesAreUniqueInOneProcessAndSortInOrder() throws {
        let parent = MailroomProcess.tempDir("reserve")
        defer { try? FileManager.default.removeItem(at: parent) }
        let names = try (0..<50).map { _ in try RunDirectory.reserve(in: parent).lastPathComponent }
        #expect(Set(names).count == 50)
        #expect(names == names.sorted())
        // 20261126T081500.123456Z
        #expect(names.allSatisfy { $0.count >= 23 && ($0.hasSuffix("Z") || $0.contains("Z-")) && $0.contains(".") })
    }

    @Test func aRunThatFailsBeforeStartingLeavesNoEmptyDirectory() throws {
        let p = try Self.pipeline()
        defer { try? FileManager.default.removeItem(at: p.deletingLastPathComponent()) }
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "20-11-2026"])
        #expect(r.status == 2)
        #expect(try Self.runs(p).isEmpty)
    }
}
