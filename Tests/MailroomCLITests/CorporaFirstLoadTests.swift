import Foundation
import Testing
@testable import MailroomIO

/// Real third-party mail (`../shared/corpora`: a list archive, a real Maildir tree, a library's mbox files) loaded
/// by the real binary into a new store twice: once as a first load through the rollback journal, once while this
/// process holds the store open, which keeps that load in WAL. Both stores dump the same rows. Skipped when
/// `../shared/corpora` is absent.
@Suite(.enabled(if: CorporaLocation.url != nil, "../shared/corpora is absent"))
struct CorporaFirstLoadTests {
    static let chosen = ["hyperkitty", "mu", "mimekit"].filter(CorporaPipelineTests.folders.contains)

    /// Loads `pipeline` into a new store (`crm.sqlite` beside it); returns `store dump --data` and the load's log.
    static func load(_ pipeline: URL, runDir: URL, holdingTheStoreOpen: Bool) throws -> (dump: [UInt8], log: String) {
        let store = pipeline.deletingLastPathComponent().appendingPathComponent("crm.sqlite").path
        for p in [store] + CRMStore.companionPaths(of: store) { try? FileManager.default.removeItem(atPath: p) }
        var holder: CRMStore?
        if holdingTheStoreOpen {
            holder = try CRMStore.open(path: store)
            _ = try holder?.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") }
        }
        let r = try MailroomProcess.run(["run", pipeline.path, "--days", "36500", "--as-of", "2026-11-20",
                                         "--run-dir", runDir.path, "--quiet"], env: ["MAILROOM_LOG": "debug"],
                                        timeout: 60)
        try #require(r.status == 0, "exit \(r.status): \(r.stderr)")
        holder = nil
        let dump = try MailroomProcess.run(["store", "dump", pipeline.path, "--data"])
        try #require(dump.status == 0, "\(dump.stderr)")
        let header = try #require(FileHandle(forReadingAtPath: store)).readData(ofLength: 20)
        #expect(Array(header[18..<20]) == [2, 2], "the store is left in WAL")
        return (dump.stdoutBytes, r.stderr)
    }

    @Test(arguments: chosen)
    func aFirstLoadThroughTheRollbackJournalStoresWhatALoadInWALStores(folder: String) throws {
        let tmp = MailroomProcess.tempDir("corpus-first-load-\(folder)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (pipeline, _) = try CorporaPipelineTests.layOut(folder, in: tmp)
        let rollback = try Self.load(pipeline, runDir: tmp.appendingPathComponent("run-a"), holdingTheStoreOpen: false)
        let wal = try Self.load(pipeline, runDir: tmp.appendingPathComponent("run-b"), holdingTheStoreOpen: true)
        #expect(rollback.log.contains("first load: rollback journal"), "\(folder)")
        #expect(!wal.log.contains("first load: rollback journal"), "\(folder)")
        let lines = String(decoding: rollback.dump, as: UTF8.self).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("messages|") }.count >= 5, "\(folder)")
        #expect(rollback.dump == wal.dump, "\(folder)")
    }
}
