import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// SIGTERM sent to `mailroom sync` of a real Dovecot mailbox right after its first fetched batch was
/// checkpointed: exit 143, no temporary file, the run log row says interrupted during extract, and a new sync
/// loads every message once.
@Suite(.serialized, .enabled(if: DovecotFixtures.available, "needs /usr/sbin/dovecot"))
struct IMAPInterruptCLITests {
    @Test func sigtermDuringASyncStopsAfterACheckpointedBatchAndTheNextSyncLoadsEverything() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try Self.seed(server, user.name, count: 5, first: 900)
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try """
            name: interrupt
            ownDomains: [example.com]
            backfillDays: 30
            contacts: contacts.csv
            mailbox:
              source: imap
              host: 127.0.0.1
              port: \(server.plainPort)
              security: none
              username: \(user.name)
              secret: env:MR_INT_SECRET
              owner: [me@example.com]

            """.write(toFile: p, atomically: false, encoding: .utf8)
        try "id,name,emails\nc1,Erin,erin@customer.org\n".write(toFile: dir.file("contacts.csv"), atomically: false, encoding: .utf8)
        let env = ["MR_INT_SECRET": user.password]
        // The store exists before the sync (as on any sync after the first), so the run log can record it.
        #expect(try MailboxDovecotCLITests.CLI.run(["contacts", "import", dir.file("contacts.csv"), "--pipeline", p], env: env).status == 0)

        let err = dir.file("stderr")
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let runDir = dir.file("sync-1")
        let child = try Self.start(["sync", p, "--quiet", "--run-dir", runDir],
                                   env: env.merging(["MAILROOM_FAULT": "extract.safe-point:1:pause"]) { a, _ in a }, err: err)
        for _ in 0..<3_000 {
            if (try? String(contentsOfFile: err, encoding: .utf8))?.contains("(pause)") == true || !child.isRunning { break }
            usleep(20_000)
        }
        kill(child.processIdentifier, SIGTERM)
        child.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(child.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("interrupted by SIGTERM during extract"))
        let leftovers = (FileManager.default.enumerator(atPath: runDir)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp") }
        #expect(leftovers == [])
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        let row = try #require(try store.run(id: "sync-1"))
        #expect(row.kind == .sync && row.status == .interrupted && row.errorCode == "terminated")
        #expect(row.message.contains("during extract"))
        #expect(try store.read("count") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 0)

        let again = try MailboxDovecotCLITests.CLI.run(["sync", p, "--quiet", "--run-dir", dir.file("sync-2")], env: env)
        #expect(again.status == 0, "\(again.stderr)")
        let after = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try after.read("count") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 5)
        #expect(try after.run(id: "sync-2")?.status == .ok)
        #expect(try after.run(id: "sync-1")?.status == .interrupted)
    }

    /// A throttled sync (one message every 50 seconds) gets SIGINT while it waits after its first checkpointed
    /// batch: the wait is cut short, the sync stops with exit 130 well before the pause would have ended, leaves
    /// no temporary file, and a new unthrottled sync loads every message once.
    @Test func sigintDuringARateLimitPauseStopsAtOnce() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try Self.seed(server, user.name, count: 3, first: 950)
        let dir = StoreTempDir()
        let env = ["MR_INT_SECRET": user.password]
        let throttled = try IMAPTestPipeline.write(in: dir.file("slow"), name: "slow", port: server.plainPort,
                                                   username: user.name, secretVariable: "MR_INT_SECRET",
                                                   extra: ["throttle: {messagesPerSecond: 0.02}"])
        let err = dir.file("stderr")
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let runDir = dir.file("sync-1")
        let started = Date()
        let child = try Self.start(["sync", throttled, "--quiet", "--run-dir", runDir], env: env, err: err)
        let checkpoint = runDir + "/extract/raw/work/checkpoint.json"
        for _ in 0..<1_500 where !FileManager.default.fileExists(atPath: checkpoint) && child.isRunning { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: checkpoint), "the first batch was never checkpointed")
        usleep(300_000)  // into the pause of 50 s that follows the first message
        #expect(child.isRunning)
        kill(child.processIdentifier, SIGINT)
        child.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(child.terminationStatus == 130, "\(stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "the pause held the stop back")
        #expect(stderr.contains("interrupted by SIGINT during extract"), "\(stderr)")
        let leftovers = (FileManager.default.enumerator(atPath: runDir)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp") }
        #expect(leftovers == [])

        let fast = try IMAPTestPipeline.write(in: dir.file("fast"), name: "fast", port: server.plainPort,
                                              username: user.name, secretVariable: "MR_INT_SECRET")
        let again = try MailboxDovecotCLITests.CLI.run(["sync", fast, "--quiet", "--run-dir", dir.file("sync-2")], env: env)
        #expect(again.status == 0, "\(again.stderr)")
        let store = try CRMStore.open(path: dir.file("fast/crm.sqlite"), readOnly: true)
        #expect(try store.read("count") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 3)
    }

    /// `count` messages from a customer in `user`'s INBOX, one a day before today (numbers from `first`).
    static func seed(_ server: DovecotServer, _ user: String, count: Int, first: Int) throws {
        let now = Int64(Date().timeIntervalSince1970)
        for i in 0..<count {
            let d = now - Int64(i + 1) * 86_400
            try server.addMessage(user: user, bytes: MailboxDovecotCLITests.message(first + i, from: "erin@customer.org",
                                                                                     to: "me@example.com", date: d),
                                  internalDate: d)
        }
    }

    static func start(_ args: [String], env: [String: String], err: String) throws -> Process {
        let p = MailboxDovecotCLITests.CLI.process(args, env: env)
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        return p
    }
}
