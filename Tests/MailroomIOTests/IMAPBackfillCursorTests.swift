import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

/// A backfill never moves a folder's stored cursor past mail nobody fetched (real Dovecot, mail dated over 60 days).
@Suite("IMAP backfill keeps the cursor below mail it did not fetch", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPBackfillCursorTests {
    /// 2026-03-01, the day the later runs end with.
    static let today = IMAPDate.days(year: 2026, month: 3, day: 1) * 86400

    @Test func aShortBackfillAfterAnOldSyncKeepsTheCursorAndTheNextSyncFetchesTheGap() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = Self.today
        var n = 900
        func add(daysAgo: Int64) throws {
            n += 1
            try server.addMessage(user: user.name, bytes: DovecotFixtures.message(n), internalDate: day - daysAgo * 86400 + 3600)
        }
        for d: Int64 in [60, 50, 40] { try add(daysAgo: d) }  // UIDs 1...3
        let dir = server.root.path + "/gap-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "imap-gap", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_GAP_SECRET",
                                   extra: ["owner: [\(user.name)@example.com]", "folders: [INBOX]"])
        setenv("MAILROOM_TEST_GAP_SECRET", user.password, 1)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        var runs = 0
        func run(sync: Bool, asOf: String, days: Int) throws -> (PipelineRunner, [Int]) {
            runs += 1
            let runner = try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: dir + "/p.yml"),
                                                  runDirectory: URL(fileURLWithPath: dir + "/run\(runs)"),
                                                  options: RunOptions(asOf: asOf, days: days), logger: quiet)
            if sync { try runner.markIMAPSync() }
            try runner.run(through: .load)
            var uids: [Int] = []
            try NDJSONReader.forEach(MessageCopy.self, url: runner.runDir.fileURL("extract/messages.ndjson")) { c, _ in
                uids.append(c.imap?.uid ?? 0)
            }
            return (runner, uids)
        }
        let store = { try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true) }
        func cursor() throws -> UInt64? { try store().imapCursor(mailbox: "work", folder: "INBOX")?.highestUID }

        // A sync 30 days ago: the folder's cursor is at UID 3.
        #expect(try run(sync: true, asOf: "2026-01-30", days: 60).1 == [1, 2, 3])
        #expect(try cursor() == 3)

        // Since then: five messages from the last 30 days but older than a week (UIDs 4...8), two this week (9, 10).
        for d: Int64 in [28, 25, 20, 15, 10, 3, 1] { try add(daysAgo: d) }
        let (backfill, fetched) = try run(sync: false, asOf: "2026-03-01", days: 7)
        #expect(fetched == [9, 10])
        #expect(try cursor() == 3)
        let entry = try #require(try RunLogRecorder.finished(backfill, kind: .backfill, cursorBefore: []))
        #expect(entry.status == .ok)
        #expect(entry.message.contains("folder \"INBOX\": cursor kept at UID 3, not moved to 10: 5 messages above it (from UID 4) are older than the window and were not fetched; the next `mailroom sync` fetches them"))
        #expect(entry.counts["imap.cursorsHeldBack"] == 1)
        #expect(try store().run(id: backfill.manifest.runId)?.message == entry.message)
        let report = try backfill.report()
        #expect(report.imapFolders.map(\.folder) == ["INBOX"])
        #expect(report.imapFolders.first?.missingUIDs == [])
        #expect(report.text(dryRun: false).contains("cursor kept at UID 3"))
        #expect(try backfill.imapPartialError() == nil)

        // The next sync fetches the gap (and this week's two again: loading them twice leaves one row each).
        #expect(try run(sync: true, asOf: "2026-03-01", days: 7).1 == [4, 5, 6, 7, 8, 9, 10])
        #expect(try cursor() == 10)
        #expect(try store().knownMessages(mailbox: "work", folder: "INBOX").count == 10)

        // A backfill whose window reaches back to the cursor moves it to the newest message.
        try add(daysAgo: 2)  // UID 11
        let (reaching, got) = try run(sync: false, asOf: "2026-03-01", days: 7)
        #expect(got == [9, 10, 11])
        #expect(try cursor() == 11)
        #expect(try reaching.imapFolderNotes().isEmpty)
    }

    /// The same through the `mailroom` binary: `backfill --days 7` a month after the last sync keeps the cursor,
    /// and `mailroom runs` says why.
    @Test func theBackfillCommandKeepsTheCursorAndTheRunLogSaysWhy() throws {
        guard IMAPCommandLineTests.isBuilt() else { return }
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        var n = 950
        func add(daysAgo: Int64) throws {
            n += 1
            try server.addMessage(user: user.name, bytes: DovecotFixtures.message(n), internalDate: Self.today - daysAgo * 86400 + 3600)
        }
        for d: Int64 in [60, 45] { try add(daysAgo: d) }  // UIDs 1, 2
        let dir = server.root.path + "/gap-cli-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "imap-gap-cli", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_GAP_CLI_SECRET", extra: ["folders: [INBOX]"])
        let env = ["MAILROOM_TEST_GAP_CLI_SECRET": user.password]
        func mailroom(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try IMAPCommandLineTests.mailroom(args, env: env)
        }
        let sync = try mailroom(["sync", dir + "/p.yml", "--as-of", "2026-01-30", "--days", "60", "--run-dir", dir + "/r1", "--quiet"])
        #expect(sync.status == 0, "\(sync.stderr)")
        for d: Int64 in [20, 12, 2] { try add(daysAgo: d) }  // UIDs 3, 4 (older than a week), 5
        let backfill = try mailroom(["backfill", dir + "/p.yml", "--as-of", "2026-03-01", "--days", "7", "--run-dir", dir + "/r2", "--quiet"])
        #expect(backfill.status == 0, "\(backfill.stderr)")
        let store = try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true)
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)
        let runs = try mailroom(["runs", dir + "/p.yml", "--limit", "1"])
        #expect(runs.stdout.contains("cursor kept at UID 2, not moved to 5: 2 messages above it (from UID 3) are older than the window"), "\(runs.stdout)")
        let next = try mailroom(["sync", dir + "/p.yml", "--as-of", "2026-03-01", "--days", "7", "--run-dir", dir + "/r3", "--quiet"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 5)
        #expect(try store.knownMessages(mailbox: "work", folder: "INBOX").count == 5)
    }
}
