import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// A `mailroom sync` whose load committed but whose run log could not be completed afterwards (the store refused
/// the write: a fault injected at `runlog.after-load`): the sync still ends 0 with its report, the mail is
/// loaded, and one stderr line says what was not recorded, naming the run: its row stays as the load left it
/// (kind `load`, no cursors before and after), where a completed sync's row is kind `sync` with its cursors.
@Suite(.serialized, .enabled(if: DovecotFixtures.available, "needs /usr/sbin/dovecot"))
struct RunLogAfterLoadTests {
    @Test func aRunLogThatCannotBeCompletedAfterTheLoadIsSaidNotSwallowed() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try IMAPInterruptCLITests.seed(server, user.name, count: 2, first: 980)
        let dir = StoreTempDir()
        let pipeline = try IMAPTestPipeline.write(in: dir.file("p"), name: "after-load", port: server.plainPort,
                                                  username: user.name, secretVariable: "MR_AFTER_LOAD_SECRET",
                                                  extra: ["owner: [me@example.com]"])
        let env = ["MR_AFTER_LOAD_SECRET": user.password]
        let store = dir.file("p/crm.sqlite")

        let failed = try MailboxDovecotCLITests.CLI.run(
            ["sync", pipeline, "--quiet", "--run-dir", dir.file("sync-1")],
            env: env.merging(["MAILROOM_FAULT": "runlog.after-load:1:fail"]) { a, _ in a })
        #expect(failed.status == 0, "\(failed.stderr)")
        #expect(failed.stdout.contains("Loaded into"))
        #expect(failed.stderr.contains("mailroom: warning: the load committed, but its run log row sync-1 could not be completed (simulated failure at runlog.after-load"), "\(failed.stderr)")
        #expect(try CRMStore.open(path: store, readOnly: true).read("count") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM messages")
        } == 2)
        let left = try #require(try CRMStore.open(path: store, readOnly: true).run(id: "sync-1"))
        #expect(left.kind == .load && left.cursorAfter == nil)

        let again = try MailboxDovecotCLITests.CLI.run(["sync", pipeline, "--quiet", "--run-dir", dir.file("sync-2")], env: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("warning: the load committed"))
        let done = try #require(try CRMStore.open(path: store, readOnly: true).run(id: "sync-2"))
        #expect(done.kind == .sync && done.status == .ok && done.cursorAfter?.isEmpty == false)
    }
}
