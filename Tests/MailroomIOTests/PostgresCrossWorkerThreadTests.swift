import Foundation
import Testing
@testable import MailroomIO
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// `CrossWorkerThreadTests`' conversation loaded into PostgreSQL by workers of mailbox `a` and `b` (the built
/// `mailroom`, `run --mailbox`): `b`'s worker alone roots the thread at the placeholder of Dana's reply (the
/// Outlook reply names only its parent), `a`'s at the customer's first message. In every order, and with both
/// workers at once, `store dump --data` prints the bytes of one process loading both mailboxes into SQLite.
@Suite("Threads across workers (PostgreSQL)", .serialized, .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresCrossWorkerThreadTests {
    typealias Fixture = CrossWorkerThreadTests.Fixture

    /// One process loading both mailboxes into SQLite: one thread of four messages.
    static func reference() throws -> String {
        let lite = try Fixture()
        try lite.run(nil)
        let dump = try lite.dump()
        #expect(CrossWorkerThreadTests.rows(dump, "threads").count == 1, "\(dump)")
        #expect(CrossWorkerThreadTests.rows(dump, "messages").count == 4, "\(dump)")
        #expect(!CrossWorkerThreadTests.rows(dump, "thread_contacts").isEmpty, "\(dump)")
        return dump
    }

    static func postgres() throws -> Fixture { try Fixture(store: try PostgresPipelineTests.postgresStore()) }

    static func connect(_ f: Fixture) throws -> PGConnection {
        let name = String(f.store.split(separator: "?")[0].dropFirst("postgres:///".count))
        return try PostgresServer.get().connect(database: name)
    }

    /// Started, its output to files in the fixture's folder.
    static func start(_ f: Fixture, _ mailbox: String, env: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = PostgresPipelineTests.binary
        p.arguments = f.arguments(mailbox)
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, b in b }
        let out = f.dir.file("worker-\(mailbox)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = h
        p.standardError = h
        try p.run()
        return p
    }

    static func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        for _ in 0..<600 {
            if try condition() { return }
            usleep(50_000)
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test func mailboxAThenBBThenAAndOneRunDumpAsOneSQLiteProcess() throws {
        let expected = try Self.reference()
        for order in [["a", "b"], ["b", "a"], [nil]] as [[String?]] {
            let f = try Self.postgres()
            for m in order { try f.run(m) }
            let dump = try f.dump()
            #expect(CrossWorkerThreadTests.rows(dump, "threads") == CrossWorkerThreadTests.rows(expected, "threads"),
                    "order \(order)")
            #expect(dump == expected, "order \(order)")
            let c = try Self.connect(f)
            #expect(try c.execute("SELECT count(*) FROM thread_ids").scalar == "4", "order \(order)")
            #expect(try c.execute("SELECT count(DISTINCT thread_id) FROM thread_ids").scalar == "1", "order \(order)")
            if order.count == 2 {
                // b's thread (rooted at the placeholder of Dana's reply) went into a's.
                #expect(try c.execute("SELECT count(*) FROM thread_merges").scalar == "1", "order \(order)")
            }
            // A rerun of either worker's task changes nothing.
            try f.run(order[0])
            #expect(try f.dump() == expected, "rerun after \(order)")
            if let last = order.last, order.count == 2 {
                try f.run(last)
                #expect(try f.dump() == expected, "second rerun after \(order)")
            }
        }
    }

    /// Both workers started at once, three times (each on a new database).
    @Test func twoWorkersAtOnceDumpAsOneSQLiteProcess() throws {
        let expected = try Self.reference()
        for round in 1...3 {
            let f = try Self.postgres()
            let workers = try ["a", "b"].map { try Self.start(f, $0) }
            for p in workers {
                p.waitUntilExit()
                #expect(p.terminationStatus == 0, "round \(round)")
            }
            #expect(try f.dump() == expected, "round \(round)")
        }
    }

    /// One worker stopped (`MAILROOM_FAULT=load.batch.beforeCommit:N:stop`) just before its threads batch (N = 2)
    /// or its messages batch (N = 3) commits, holding the thread lock; the other worker goes on then and waits for
    /// the lock (seen in `pg_stat_activity`) until the first goes on. Both end well, as one SQLite process would.
    /// For N = 3 the other worker is started first and stopped just after its load began (`load.start`), so that
    /// both began on an empty database: the stopped batch writes new messages into the stopped worker's own
    /// thread, which the other worker's merge (of `b`'s thread into `a`'s) must then move, not leave behind.
    @Test func aMergeWaitsForTheOtherWorkersOpenBatch() throws {
        let expected = try Self.reference()
        for (victim, batch) in [("a", 2), ("b", 2), ("a", 3), ("b", 3)] {
            let other = victim == "a" ? "b" : "a"
            let f = try Self.postgres()
            var held: Process?
            if batch == 3 {
                let p = try Self.start(f, other, env: ["MAILROOM_FAULT": "load.start:1:stop"])
                try Self.waitUntil("worker \(other) stopped") { WorkerFleet.isStopped(p.processIdentifier) || !p.isRunning }
                #expect(p.isRunning, "worker \(other) ended before its load began")
                held = p
            }
            let first = try Self.start(f, victim, env: ["MAILROOM_FAULT": "load.batch.beforeCommit:\(batch):stop"])
            try Self.waitUntil("worker \(victim) stopped") { WorkerFleet.isStopped(first.processIdentifier) || !first.isRunning }
            #expect(first.isRunning, "worker \(victim) ended before its batch \(batch)")
            let second: Process
            if let held {
                kill(held.processIdentifier, SIGCONT)
                second = held
            } else {
                second = try Self.start(f, other)
            }
            let c = try Self.connect(f)
            try Self.waitUntil("worker \(other) waits for the thread lock") {
                try c.execute("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE application_name LIKE 'mailroom %' AND datname = current_database()
                      AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                    """).scalar == "1" || !second.isRunning
            }
            #expect(second.isRunning, "worker \(other) did not wait for \(victim)'s batch \(batch)")
            kill(first.processIdentifier, SIGCONT)
            for p in [first, second] {
                p.waitUntilExit()
                #expect(p.terminationStatus == 0, "\(victim) stopped at batch \(batch)")
            }
            #expect(try f.dump() == expected, "\(victim) stopped at batch \(batch)")
        }
    }
}
