import Foundation
import Testing
@testable import MailroomIO
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// Many workers into one PostgreSQL: the built `mailroom`, one process per mailbox started by the local runner
/// (`scripts/workers.sh`), over mailboxes that share messages (`WorkerFleet`). Each ends with the canonical dump
/// (`mailroom store dump --data`) of one process loading all the mail.
@Suite("PostgreSQL workers", .serialized, .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresWorkersTests {
    /// One process loading every mailbox of the fleet's pipeline into a new database.
    static func reference() throws -> String {
        let single = try WorkerFleet()
        let r = try PostgresPipelineTests.mailroom(["run", single.pipeline, "--quiet"] + WorkerFleet.runOptions)
        #expect(r.status == 0, "\(r.stderr)")
        return try single.dump()
    }

    /// Four workers at once over overlapping mailboxes (the same messages through `a` and `b`; `sent` and
    /// `archive` again hold some of them), on a new database: the processes migrate it at the same time and leave
    /// one schema; the data is the single process's, each shared message one row with a copy per mailbox, each
    /// contact created from sent mail once.
    @Test func workersOverOverlappingMailboxesLoadAtOnceAsOneProcessWould() throws {
        let expected = try Self.reference()
        let fleet = try WorkerFleet()
        let r = try fleet.runRunner(WorkerFleet.mailboxes, jobs: 4)
        #expect(r.status == 0, "\(r.output)")
        for m in WorkerFleet.mailboxes { #expect(r.output.contains("task \(m) exit 0 ("), "\(r.output)") }
        #expect(r.output.contains("workers: 4 tasks, 4 ok, 0 failed"))
        let dump = try fleet.dump()
        #expect(dump == expected)
        // Shared messages: copies from several mailboxes on one message row.
        #expect(dump.contains("message_copies|copy_id='a/Sent/") && dump.contains("message_copies|copy_id='b/Sent/")
                && dump.contains("message_copies|copy_id='sent/INBOX/"))
        let c = try fleet.connect()
        #expect(try c.execute("SELECT count(*) FROM (SELECT message_key FROM message_copies GROUP BY message_key HAVING count(DISTINCT mailbox) >= 3) s").scalar != "0")
        #expect(try c.execute("SELECT count(*) FROM contacts WHERE origin = 'created-from-sent'").scalar != "0")
        // One schema: every migration once.
        #expect(try PGSchema.applied(c) == PGSchema.migrations.map(\.name).sorted())
        #expect(try c.execute("SELECT count(*) FROM schema_info").scalar == "1")
        #expect(try c.execute("SELECT count(*) FROM runs WHERE status = 'ok'").scalar == "4")
    }

    /// Mailbox `a` in three shards (`--shard 1/3` … `3/3`, three workers at once) with `b` whole: every copy loaded
    /// once, the same copies and messages as one process loading both.
    @Test func shardsOfAMailboxLoadAtOnceAndTogetherLoadItAll() throws {
        let single = try WorkerFleet()
        let one = try PostgresPipelineTests.mailroom(["run", single.pipeline, "--quiet", "--mailbox", "a"] + WorkerFleet.runOptions)
        #expect(one.status == 0, "\(one.stderr)")
        let fleet = try WorkerFleet()
        let r = try fleet.runRunner(["a"], jobs: 3, shards: 3)
        #expect(r.status == 0, "\(r.output)")
        for i in 1...3 { #expect(r.output.contains("task a#\(i)of3 exit 0 ("), "\(r.output)") }
        func rows(_ dump: String, _ table: String) -> [Substring] {
            dump.split(separator: "\n").filter { $0.hasPrefix(table + "|") }
        }
        let (want, got) = (try single.dump(), try fleet.dump())
        #expect(!rows(want, "message_copies").isEmpty)
        #expect(rows(got, "message_copies") == rows(want, "message_copies"))
        #expect(rows(got, "messages").count == rows(want, "messages").count)
        #expect(rows(got, "contacts") == rows(want, "contacts"))
        let c = try fleet.connect()
        #expect(try c.execute("SELECT count(*) FROM runs WHERE status = 'ok'").scalar == "3")
    }

    /// Several processes migrating a new database at once (before any load), as workers started together do:
    /// one schema, each migration recorded once, and every process ends well.
    @Test func processesMigratingANewDatabaseAtOnceLeaveOneSchema() throws {
        let fleet = try WorkerFleet()
        // Started together, each migrates the new database at the start of its load.
        let procs: [Process] = try (0..<4).map { i in
            let p = Process()
            p.executableURL = PostgresPipelineTests.binary
            p.arguments = ["run", fleet.pipeline, "--mailbox", WorkerFleet.mailboxes[i], "--quiet"] + WorkerFleet.runOptions
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in procs {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let c = try fleet.connect()
        #expect(try PGSchema.applied(c) == PGSchema.migrations.map(\.name).sorted())
        #expect(try c.execute("SELECT count(*) FROM schema_info").scalar == "1")
        let fresh = try PostgresServer.get().connect(database: try PostgresServer.get().createDatabase())
        try PGSchema.migrate(fresh)
        let shape = "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        #expect(try c.execute(shape).rows == fresh.execute(shape).rows)
    }

    /// One worker killed (`kill -9`) in the middle of its load (stopped inside its messages batch's open
    /// transaction) while the others load; its task rerun: the single process's data.
    @Test func aWorkerKilledMidLoadAndRerunEndsAsOneProcessWould() throws {
        let expected = try Self.reference()
        let fleet = try WorkerFleet()
        let victim = try fleet.startRunner(["a"], jobs: 1, env: ["MAILROOM_FAULT": "load.batch.beforeCommit:3:stop"])
        let others = try fleet.startRunner(["b", "sent", "archive"], jobs: 3)
        let stopped = try #require(try fleet.stoppedWorker(), "the worker of mailbox a never stopped mid-load")
        // It holds mailbox a's lock: another worker for a is refused at once, naming it.
        let second = try PostgresPipelineTests.mailroom(["run", fleet.pipeline, "--mailbox", "a", "--quiet"] + WorkerFleet.runOptions)
        #expect(second.status == 6)
        #expect(second.stderr.contains("mailbox 'a' is being loaded by another worker (mailroom run "), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(stopped.client), PostgreSQL session \(stopped.server) since "))
        kill(stopped.client, SIGKILL)
        let v = victim.wait()
        #expect(v.status == 1)
        #expect(v.output.contains("task a exit 137 ("), "\(v.output)")
        #expect(v.output.contains("workers: 1 tasks, 0 ok, 1 failed"))
        let o = others.wait()
        #expect(o.status == 0, "\(o.output)")
        try fleet.waitForSessionEnd(stopped.server)
        // Nothing of the killed batch is in the store; the rerun of its task completes it.
        let rerun = try fleet.runRunner(["a"], jobs: 1)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try fleet.dump() == expected)
        let c = try fleet.connect()
        #expect(try c.execute("SELECT count(*) FROM runs WHERE status = 'running'").scalar == "0")
    }

    /// The server ends a worker's connection in the middle of its load (`pg_terminate_backend` while the worker
    /// has a batch's transaction open): one error line naming the lost connection, exit 16, nothing of the batch
    /// kept; the rerun completes.
    @Test func aConnectionEndedByTheServerMidLoadIsOneErrorAndARerunCompletes() throws {
        let expected = try Self.reference()
        let fleet = try WorkerFleet()
        let victim = try fleet.startRunner(["a"], jobs: 1, env: ["MAILROOM_FAULT": "load.batch.beforeCommit:3:stop"])
        let stopped = try #require(try fleet.stoppedWorker(), "the worker of mailbox a never stopped mid-load")
        let c = try fleet.connect()
        #expect(try c.execute("SELECT pg_terminate_backend($1::int)", [stopped.server]).scalar == "t")
        kill(stopped.client, SIGCONT)
        let v = victim.wait()
        #expect(v.status == 1)
        #expect(v.output.contains("task a exit 16 ("), "\(v.output)")
        let log = victim.log("a")
        let lines = log.split(separator: "\n").filter { !$0.hasPrefix("mailroom: fault injected") }
        #expect(lines.count == 1, "\(log)")
        #expect(log.contains("the connection to PostgreSQL was lost"), "\(log)")
        try fleet.waitForSessionEnd(stopped.server)
        // The messages batch was not committed: threads are there, no message is.
        #expect(try c.execute("SELECT count(*) FROM threads").scalar != "0")
        #expect(try c.execute("SELECT count(*) FROM messages").scalar == "0")
        let rerun = try fleet.runRunner(["a", "b", "sent", "archive"], jobs: 4)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try fleet.dump() == expected)
    }
}
