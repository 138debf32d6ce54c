import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Every command besides the load on a PostgreSQL store, through the `mailroom` binary, against the same commands
/// on an SQLite store: two pipelines that differ only in `store:` read the same two mailboxes of a real Dovecot
/// (the server is read-only to us, so both see the same UIDs and UIDVALIDITYs). Each step runs on SQLite, then
/// on PostgreSQL, and must give the same exit code, stdout and stderr once the store's location, the run
/// directories' folder and the clock are masked.
@Suite(.serialized, .enabled(if: DovecotFixtures.available && PostgresServer.isAvailable,
                            "needs /usr/sbin/dovecot and PostgreSQL 15"))
struct PostgresCommandsTests {
    typealias CLI = MailboxDovecotCLITests.CLI
    static let day: Int64 = 86_400

    /// The two stores side by side: `step` runs a command on both (run directories `DIR/<name>` in each store's
    /// own folder) and compares what they print.
    final class Pair {
        let lite = StoreTempDir(), pg = StoreTempDir()
        let env: [String: String]
        let pgStore: String
        var steps = 0

        init(pipeline: String, env: [String: String]) throws {
            self.env = env
            let server = try PostgresServer.get()
            pgStore = "postgres:///\(try server.createDatabase())?host=\(server.socketDir)&port=\(server.port)&user=\(PostgresServer.admin)"
            try pipeline.write(toFile: lite.file("p.yml"), atomically: false, encoding: .utf8)
            try ("store: \(pgStore)\n" + pipeline).write(toFile: pg.file("p.yml"), atomically: false, encoding: .utf8)
        }

        /// `args` with `P` for the pipeline file, `STORE` for the store's location (as `--store` takes it) and
        /// `DIR/…` for a path in the store's folder.
        func args(_ a: [String], _ dir: StoreTempDir) -> [String] {
            a.map {
                if $0 == "P" { return dir.file("p.yml") }
                if $0 == "STORE" { return dir === pg ? pgStore : "sqlite:" + dir.file("crm.sqlite") }
                return $0.hasPrefix("DIR/") ? dir.file(String($0.dropFirst(4))) : $0
            }
        }

        /// Runs the command on both stores; expects the same outcome; returns the SQLite one (masked).
        @discardableResult
        func step(_ a: [String], env extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
            steps += 1
            let e = env.merging(extra) { _, b in b }
            let l = try CLI.run(args(a, lite), env: e)
            let p = try CLI.run(args(a, pg), env: e)
            let ml = CLI.Result(status: l.status, stdout: mask(l.stdout, lite), stderr: mask(l.stderr, lite))
            let mp = CLI.Result(status: p.status, stdout: mask(p.stdout, pg), stderr: mask(p.stderr, pg))
            #expect(mp.status == ml.status, "\(a): exit \(mp.status) on PostgreSQL, \(ml.status) on SQLite: \(p.stderr)", sourceLocation: sourceLocation)
            #expect(mp.stdout == ml.stdout, "\(a): stdout differs", sourceLocation: sourceLocation)
            #expect(mp.stderr == ml.stderr, "\(a): stderr differs", sourceLocation: sourceLocation)
            return ml
        }

        /// The store's location as `STORE`, its folder as `DIR`, timestamps and millisecond ids as `T` and `MS`.
        func mask(_ s: String, _ dir: StoreTempDir) -> String {
            var t = s.replacingOccurrences(of: dir.file("crm.sqlite"), with: "STORE")
                .replacingOccurrences(of: dir.url.path, with: "DIR")
            for (pattern, with) in [("postgres://[^ \\n\":]*(:\\d+)?/[A-Za-z0-9_]*", "STORE"), ("sqlite:STORE", "STORE"),
                                    ("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "T"),
                                    ("-\\d{13}\\b", "-MS"), ("contacts-\\d{8}T\\d{6}Z?", "contacts-T")] {
                t = t.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
            }
            return t
        }
    }

    /// The mailbox lifecycle of `MailboxDovecotCLITests` (load, list, a failed run, dependents, disconnect, refused
    /// runs, a failed then a good reconnect after a UIDVALIDITY change, sync, backfill, the run log, review,
    /// contacts import), each step the same on both stores, and the same rows at the end.
    @Test func everyCommandPrintsTheSameOnPostgreSQLAsOnSQLite() throws {
        let server = try #require(DovecotFixtures.shared)
        let shared = server.freshUser(), personal = server.freshUser()
        let now = Int64(Date().timeIntervalSince1970)
        let dates = [now - 40 * Self.day, now - 30 * Self.day, now - 3 * Self.day]
        for (i, d) in dates.enumerated() {
            try server.addMessage(user: shared.name, bytes: MailboxDovecotCLITests.message(
                700 + i, from: "carol@customer.org", to: "shared@example.com", date: d), internalDate: d)
        }
        try server.addMessage(user: shared.name, folder: "Sent Items", bytes: MailboxDovecotCLITests.message(
            710, from: "shared@example.com", to: "carol@customer.org", date: now - 2 * Self.day), internalDate: now - 2 * Self.day)
        try server.addMessage(user: personal.name, bytes: MailboxDovecotCLITests.message(
            720, from: "dan@customer.org", to: "me@example.com", date: now - Self.day), internalDate: now - Self.day)
        let env = ["MR_LC_SHARED": shared.password, "MR_LC_PERSONAL": personal.password]
        let s = try Pair(pipeline: MailboxDovecotCLITests.pipeline(server.plainPort, shared.name, personal.name), env: env)

        // Before any store: the run log is empty, every mailbox connected and never synced; review and dump say
        // there is no store yet (exit 4).
        try s.step(["runs", "P"])
        try s.step(["runs", "P", "--json"])
        try s.step(["mailbox", "list", "P", "--json"])
        #expect(try s.step(["review", "P"]).status == 4)
        #expect(try s.step(["store", "dump", "P"]).stderr.contains("no store here yet"))
        // A first load of the shared mailbox, 25 days ago (its cursors saved with the rows).
        let asOf = MailboxDovecotCLITests.dayString(now - 25 * Self.day)
        #expect(try s.step(["run", "P", "--mailbox", "shared", "--as-of", asOf, "--days", "20", "--quiet",
                            "--run-dir", "DIR/run-old"]).status == 0)
        try s.step(["mailbox", "list", "P"])
        // A run that fails at login, before the load: recorded in the run log of both stores.
        let bad = ["MR_LC_PERSONAL": "Wrong-Secret-82"]
        #expect(try s.step(["run", "P", "--mailbox", "personal", "--quiet", "--run-dir", "DIR/run-badpw"], env: bad).status == 13)
        #expect(try s.step(["runs", "P", "--mailbox", "personal"]).stdout.contains("  load  failed (auth)  personal"))
        #expect(try s.step(["mailbox", "list", "P"]).stdout.contains("personal (imap): failing\n"))

        for (kind, name) in [("owner", "alice"), ("shared-user", "bob"), ("email-flow", "Renewals")] {
            #expect(try s.step(["mailbox", "depend", "P", "shared", "--add", kind, name]).status == 0)
        }
        try s.step(["mailbox", "depend", "P", "shared", "--add", "owner", "alice"])
        try s.step(["mailbox", "depend", "P", "shared", "--remove", "owner", "nobody"])
        #expect(try s.step(["mailbox", "disconnect", "P", "shared"]).status == 2)
        #expect(try s.step(["mailbox", "disconnect", "P", "shared", "--replace-with", "personal"]).status == 0)
        try s.step(["mailbox", "depend", "P", "personal", "--json"])
        // The mailbox gate: a disconnected mailbox is not run, synced or backfilled.
        #expect(try s.step(["run", "P", "--mailbox", "shared", "--quiet", "--run-dir", "DIR/run-refused"]).status == 9)
        #expect(try s.step(["sync", "P", "--mailbox", "shared", "--quiet", "--run-dir", "DIR/sync-refused"]).status == 9)
        #expect(try s.step(["backfill", "P", "--mailbox", "shared", "--quiet", "--run-dir", "DIR/bf-refused"]).status == 9)

        let badShared = ["MR_LC_SHARED": "Wrong-Secret-83"]
        #expect(try s.step(["mailbox", "reconnect", "P", "shared", "--quiet", "--run-dir", "DIR/run-badsync"], env: badShared).status == 13)
        try s.step(["backfill", "P", "--mailbox", "shared", "--dry-run"], env: badShared)
        try s.step(["mailbox", "list", "P", "--json"])

        // A new message arrives and the INBOX is renumbered: the reconnect's sync re-identifies it from the
        // store's loaded messages and fetches exactly what is new.
        try server.addMessage(user: shared.name, bytes: MailboxDovecotCLITests.message(
            711, from: "carol@customer.org", to: "shared@example.com", date: now - Self.day), internalDate: now - Self.day)
        _ = try server.doveadm(["mailbox", "update", "-u", shared.name, "--uid-validity", "4242", "INBOX"])
        let reconnect = try s.step(["mailbox", "reconnect", "P", "shared", "--quiet", "--run-dir", "DIR/run-sync"])
        #expect(reconnect.status == 0, "\(reconnect.stderr)")
        #expect(reconnect.stdout.contains("Synced now: 3 messages new since the stored cursors"))
        #expect(reconnect.stdout.contains("No backfill needed: every folder continued from its stored cursor"))

        #expect(try s.step(["sync", "P", "--quiet", "--run-dir", "DIR/sync-all"]).status == 0)
        // Nothing new: a second sync fetches nothing (the cursors did not move back or past anything).
        #expect(try s.step(["sync", "P", "--quiet", "--run-dir", "DIR/sync-again"]).stdout.contains("copies 0, links 0, messages 0"))
        #expect(try s.step(["backfill", "P", "--mailbox", "personal", "--days", "10", "--quiet",
                            "--run-dir", "DIR/bf-personal"]).status == 0)
        let runs = try s.step(["runs", "P", "--json"])
        #expect(runs.status == 0)
        let kinds = try #require(try JSONParser.parse(Array(runs.stdout.utf8)).objectValue?["runs"]?.arrayValue)
            .compactMap { $0.objectValue?["kind"]?.stringValue }
        #expect(kinds == ["backfill", "sync", "sync", "sync", "reconnect", "sync", "reconnect", "sync", "load",
                          "disconnect", "load", "load"])
        try s.step(["runs", "P", "--mailbox", "shared", "--limit", "3"])
        try s.step(["mailbox", "list", "P"])
        try s.step(["mailbox", "list", "P", "--json"])
        try s.step(["review", "P"])
        try s.step(["review", "P", "--json"])

        try "id,name,emails\nc1,Carol,carol@customer.org\nc2,Dan,dan@customer.org; carol@customer.org\n"
            .write(toFile: s.lite.file("contacts.csv"), atomically: false, encoding: .utf8)
        try FileManager.default.copyItem(atPath: s.lite.file("contacts.csv"), toPath: s.pg.file("contacts.csv"))
        #expect(try s.step(["contacts", "import", "DIR/contacts.csv", "--pipeline", "P"]).status == 0)
        try s.step(["contacts", "import", "DIR/contacts.csv", "--pipeline", "P", "--json"])
        try s.step(["runs", "P", "--limit", "2"])
        #expect(try s.step(["sync", "P", "--quiet", "--run-dir", "DIR/sync-matched"]).status == 0)
        try s.step(["review", "P", "--json"])
        // `--store` names either store without a pipeline (PostgreSQL's password from libpq's own sources).
        try s.step(["review", "P", "--store", "STORE", "--json"])
        try s.step(["contacts", "import", "DIR/contacts.csv", "--store", "STORE"])
        let dump = try s.step(["store", "dump", "P", "--data"])
        #expect(dump.stdout.contains("\ncursors|mailbox='shared'|folder='INBOX'|uidvalidity=4242|"))
        #expect(dump.stdout.hasPrefix("contacts|id='c1'"))
        try s.step(["store", "dump", "P"])
    }

    /// A sync into PostgreSQL killed (`kill -9`) while its load commits batches leaves the folder cursors where
    /// they were (they commit with the load's last transaction): the next sync fetches the same mail again and
    /// the store ends as one uninterrupted sync leaves it, and a sync stopped by SIGTERM during extract is
    /// recorded as interrupted in the PostgreSQL run log.
    @Test func anInterruptedSyncIntoPostgreSQLNeverMovesTheCursorPastUnloadedMail() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try IMAPInterruptCLITests.seed(server, user.name, count: 5, first: 930)
        let pipeline = """
            name: pg-interrupt
            ownDomains: [example.com]
            backfillDays: 30
            mailbox:
              source: imap
              host: 127.0.0.1
              port: \(server.plainPort)
              security: none
              username: \(user.name)
              secret: env:MR_PGI_SECRET
              owner: [me@example.com]

            """
        let env = ["MR_PGI_SECRET": user.password]
        let s = try Pair(pipeline: pipeline, env: env)
        let p = s.pg.file("p.yml")
        let loaded = try LoadedPipeline.load(path: p)

        // SIGTERM during extract: nothing loaded, the run log says interrupted.
        let err = s.pg.file("stderr")
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        try "id,name,emails\nc1,Erin,erin@customer.org\n".write(toFile: s.pg.file("c.csv"), atomically: false, encoding: .utf8)
        #expect(try CLI.run(["contacts", "import", s.pg.file("c.csv"), "--pipeline", p], env: env).status == 0)
        let child = try IMAPInterruptCLITests.start(["sync", p, "--quiet", "--run-dir", s.pg.file("sync-1")],
                                                    env: env.merging(["MAILROOM_FAULT": "extract.safe-point:1:pause"]) { a, _ in a }, err: err)
        for _ in 0..<3_000 {
            if (try? String(contentsOfFile: err, encoding: .utf8))?.contains("(pause)") == true || !child.isRunning { break }
            usleep(20_000)
        }
        kill(child.processIdentifier, SIGTERM)
        child.waitUntilExit()
        #expect(child.terminationStatus == 143)
        var store = try #require(try StoreAccess.existing(loaded, readOnly: true))
        let row = try #require(try store.run(id: "sync-1"))
        #expect(row.kind == .sync && row.status == .interrupted && row.errorCode == "terminated")
        #expect(try store.cursor(mailbox: "default", folder: "INBOX") == nil)

        // kill -9 in the load's second batch: rows of the first batch are in, the cursor is not.
        let killed = try CLI.run(["sync", p, "--quiet", "--run-dir", s.pg.file("sync-2")],
                                 env: env.merging(["MAILROOM_FAULT": "load.batch.beforeCommit:2:kill"]) { a, _ in a })
        #expect(killed.status == 9, "\(killed.stderr)")
        store = try #require(try StoreAccess.existing(loaded, readOnly: true))
        #expect(try store.cursor(mailbox: "default", folder: "INBOX") == nil)
        #expect(try store.run(id: "sync-2")?.status == .running)

        // The next sync fetches everything again (no cursor) and loads it; the cursor then covers all 5.
        let again = try CLI.run(["sync", p, "--quiet", "--run-dir", s.pg.file("sync-3")], env: env)
        #expect(again.status == 0, "\(again.stderr)")
        store = try #require(try StoreAccess.existing(loaded, readOnly: true))
        #expect(try store.cursor(mailbox: "default", folder: "INBOX")?.highestUID == 5)
        #expect(try store.run(id: "sync-3")?.kind == .sync)
        #expect(try store.run(id: "sync-2")?.status == .failed)
        // The same mail synced once into SQLite: the same rows.
        try FileManager.default.copyItem(atPath: s.pg.file("c.csv"), toPath: s.lite.file("c.csv"))
        #expect(try CLI.run(["contacts", "import", s.lite.file("c.csv"), "--pipeline", s.lite.file("p.yml")], env: env).status == 0)
        #expect(try CLI.run(["sync", s.lite.file("p.yml"), "--quiet", "--run-dir", s.lite.file("sync-1")], env: env).status == 0)
        let dumps = try [s.lite, s.pg].map { try CLI.run(["store", "dump", $0.file("p.yml"), "--data"], env: env) }
        #expect(dumps[0].status == 0 && dumps[1].status == 0)
        #expect(dumps[1].stdout == dumps[0].stdout)
        #expect(dumps[1].stdout.contains("cursors|mailbox='default'|folder='INBOX'"))
    }

    /// The run log's order on both stores: newest first, and runs started in the same second (a disconnect
    /// and the run it refuses) last written first, whatever their ids.
    @Test func runsStartedInTheSameSecondAreListedLastWrittenFirstOnBothStores() throws {
        let s = try Pair(pipeline: "name: order\nownDomains: [example.com]\nmailbox: {source: maildir, path: mail, owner: [me@example.com]}\n", env: [:])
        let stores: [any MailroomStore] = try [s.lite, s.pg].map { try StoreAccess.open(try LoadedPipeline.load(path: $0.file("p.yml"))) }
        #expect(stores[1] is PGStore && stores[0] is CRMStore)
        for store in stores {
            for (id, at) in [("zz-first", "2026-12-01T10:00:00Z"), ("mm-second", "2026-12-01T10:00:00Z"),
                             ("aa-third", "2026-12-01T10:00:00Z"), ("older", "2026-12-01T09:59:59Z")] {
                try store.recordRun(RunLogEntry(id: id, kind: .load, mailboxes: ["default"], startedAt: at,
                                                finishedAt: at, status: .ok, message: id))
            }
            #expect(try store.runs().map(\.id) == ["aa-third", "mm-second", "zz-first", "older"])
            #expect(try store.runs(mailbox: "default", limit: 2).map(\.id) == ["aa-third", "mm-second"])
            #expect(try store.runs(mailbox: "other").isEmpty)
        }
    }
}
