import Foundation
import GRDB
import Testing
@testable import MailroomIO
import MailroomCore

/// `PGStoreLoader` against a real PostgreSQL (`PostgresServer`): the same input loaded into SQLite (`StoreLoader`)
/// and into PostgreSQL leaves stores whose canonical dumps are the same bytes.
@Suite("PostgreSQL load", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresLoadTests {
    typealias F = StoreFixture

    static let options = LoadOptions(createContacts: .sent, batchSize: 4)

    /// The fixture's customers, internal and unmatched threads and a sent message to a newcomer, plus 20 more.
    static var input: LoadInput {
        let (ms, ts) = F.many(20)
        var threads = ts
        for (k, t) in F.threads { threads[k] = t }
        return F.input(F.messages + ms, threads: threads, contacts: F.contacts)
    }

    /// A second run over overlapping mail: a list copy (bulk) of m1 with another subject and a lower content hash,
    /// m4 now from a contact (the thread's class moves up), a new contact holding the newcomer's address
    /// (replacing the contact created from sent mail), and an earlier message in t1.
    static var laterInput: LoadInput {
        var m1 = F.message("m1", from: "alice@customer.com", to: [F.owner], subject: "[list] Order",
                           date: "2024-05-01T09:00:00Z", mailbox: "list", folder: "Lists", copyId: "list/Lists/1")
        m1.message.bulk = ["list-id"]
        m1.message.contentHash = "hash-a"
        let m4 = F.message("m4", from: "stranger@other.net", to: [F.owner], cc: ["bob@client.org"], subject: "Offer",
                           date: "2024-05-03T10:00:00Z")
        let m0 = F.message("m0", from: "alice@customer.com", to: [F.owner], subject: "Before", date: "2024-04-30T09:00:00Z")
        // c4 repeats an address of its own and names one c1 holds (kept without a match key, `held-by:c1`).
        let contacts = F.contacts + [F.contact("c3", "New Person Imported", ["new.person@prospect.io"], line: 4),
                                     F.contact("c4", "Alias", ["x@y.org", "alice@customer.com", "X@y.org"], line: 5)]
        return F.input([m0, m1, m4], threads: ["mid:m0": "t1", "mid:m1": "t1", "mid:m4": "t3"], contacts: contacts)
    }
    static let laterRun = LoadRunInfo(runId: "run-2", windowStart: nil, windowEnd: nil, mailboxes: ["main", "list"],
                                      cursors: [FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7, highestUID: 42)])

    static func newDatabase() throws -> PGConnection {
        let server = try PostgresServer.get()
        return try server.connect(database: try server.createDatabase())
    }

    @discardableResult
    static func pgLoad(_ c: PGConnection, _ input: LoadInput, run: LoadRunInfo = F.run,
                       options: LoadOptions = options, fault: FaultHook = .none) throws -> LoadSummary {
        try PGStoreLoader(connection: c, options: options, fault: fault).load(run, input)
    }

    static func sqliteDump(_ loads: [(LoadRunInfo, LoadInput)], options: LoadOptions = options,
                           scope: StoreDump.Scope = .all) throws -> (String, [LoadSummary]) {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let summaries = try loads.map { try F.load(store, $0.1, run: $0.0, options: options) }
        return (try StoreDump.canonical(store, scope: scope), summaries)
    }

    @Test func twoRunsLoadIntoTheSameRowsAsSQLite() throws {
        let (lite, liteSummaries) = try Self.sqliteDump([(F.run, Self.input), (Self.laterRun, Self.laterInput)])
        let c = try Self.newDatabase()
        let first = try Self.pgLoad(c, Self.input)
        #expect(first == liteSummaries[0])
        #expect(first.contactsCreated > 0 && first.messages == 26)
        let second = try Self.pgLoad(c, Self.laterInput, run: Self.laterRun)
        #expect(second == liteSummaries[1])
        let pg = try StoreDump.canonical(c)
        #expect(pg == lite)
        // The merges did happen: the direct copy's subject kept over the list copy's, the least hash, t1's
        // subject from its new earliest message, the imported contact replacing the created one.
        #expect(pg.contains("messages|key='mid:m1'|message_id='m1@mail'|content_hash='hash-a'"))
        #expect(pg.contains("|subject='Order'|snippet='snippet of m1'|bulk=0|"))
        #expect(pg.contains("threads|id='t1'|visibility='customer'|class='matched'|proposed_class='matched'|subject='Before'"))
        #expect(!pg.contains("auto:new.person@prospect.io") && pg.contains("contact_id='c3'"))
        #expect(pg.contains("cursors|mailbox='main'|folder='INBOX'|uidvalidity=7|highest_uid=42"))
        #expect(pg.contains("contact_emails|contact_id='c4'|position=1|raw='alice@customer.com'|address='alice@customer.com'|key=NULL|folded_key=NULL|issue='held-by:c1'"))
        #expect(pg.contains("contact_emails|contact_id='c4'|position=2|raw='X@y.org'|address='X@y.org'|key=NULL|folded_key=NULL|issue='repeated'"))
    }

    /// The array literals the load's set-based statements bind (`= ANY($1::text[])`, `unnest`) come back from the
    /// server as the same values: quotes, backslashes, commas, braces, the word NULL, empty text, non-ASCII.
    @Test func arrayLiteralsComeBackFromTheServerUnchanged() throws {
        let c = try Self.newDatabase()
        let values = ["plain", "with \"quote\"", "back\\slash\\", "a,b", "{braces}", "NULL", "", " spaced ", "Елена", "x\\\"y"]
        let rows = try c.execute("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i",
                                 [PGLoadBatch.arrayLiteral(values)]).rows
        #expect(rows.map { $0[0] ?? "<null>" } == values)
        #expect(try c.execute("SELECT cardinality($1::text[])", [PGLoadBatch.arrayLiteral([String]())]).scalar == "0")
    }

    @Test func loadingTheSameRunTwiceChangesNothing() throws {
        let c = try Self.newDatabase()
        try Self.pgLoad(c, Self.input)
        let once = try StoreDump.canonical(c)
        let again = try Self.pgLoad(c, Self.input)
        #expect(again.resumedFrom == nil)
        #expect(try StoreDump.canonical(c) == once)
        // Another run id over the same mail: the same CRM data.
        try Self.pgLoad(c, Self.input, run: LoadRunInfo(runId: "run-1b", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        let (liteData, _) = try Self.sqliteDump([(F.run, Self.input)], scope: .data)
        #expect(try StoreDump.canonical(c, scope: .data) == liteData)
    }

    /// A load stopped at a commit point (the thrown `SimulatedCrash` skips every later statement, and the open
    /// transaction is rolled back), then rerun: the same dump as an uninterrupted load, and as SQLite's.
    @Test(arguments: FaultHook.loadPoints)
    func aLoadStoppedAtACommitPointThenRerunEqualsAnUninterruptedOne(point: String) throws {
        let (lite, _) = try Self.sqliteDump([(F.run, Self.input)])
        let counter = Counter()
        try Self.pgLoad(try Self.newDatabase(), Self.input, fault: FaultHook { p in if p == point { counter.add() } })
        let n = counter.value
        #expect(n > 0)
        for occurrence in Set([1, (n + 1) / 2, n]).sorted() {
            let c = try Self.newDatabase()
            #expect(throws: SimulatedCrash.self, "\(point):\(occurrence)") {
                try Self.pgLoad(c, Self.input, fault: .throwing(at: point, occurrence: occurrence))
            }
            let s = try Self.pgLoad(c, Self.input)
            #expect(s.messages == 26)
            #expect(try StoreDump.canonical(c) == lite, "\(point):\(occurrence)")
        }
    }

    /// Header values with NUL bytes (kept by the parser as U+0000) and invalid UTF-8 (decoded as U+FFFD): both
    /// stores keep them as `StoreText` normalizes them, so their dumps are the same bytes (SQLite used to cut a
    /// value at its first NUL; PostgreSQL refuses a NUL in text).
    @Test func nulBytesAndInvalidUTF8InHeadersLoadTheSameIntoBothStores() throws {
        let invalid = StoreText.normalized([0x52, 0x65, 0x3A, 0x20, 0x63, 0x61, 0x66, 0xC3, 0x28, 0xFF, 0x21] as [UInt8])
        var a = F.message("nul\u{0}id", from: "alice@customer.com", to: [F.owner], subject: "Invoice\u{0}Q3",
                          date: "2024-05-01T09:00:00Z", folder: "IN\u{0}BOX")
        a.message.snippet = "line one\u{0}\u{0}line two"
        let b = F.message("inv", from: F.owner, to: ["new.person@prospect.io"], subject: invalid,
                          date: "2024-05-02T09:00:00Z", folder: "Sent", toNames: ["new.person@prospect.io": "New\u{0}Person"])
        let input = F.input([a, b], threads: ["mid:nul\u{0}id": "t1", "mid:inv": "t2"], contacts: F.contacts)
        let (lite, _) = try Self.sqliteDump([(F.run, input)])
        let c = try Self.newDatabase()
        try Self.pgLoad(c, input)
        let pg = try StoreDump.canonical(c)
        #expect(pg == lite)
        #expect(pg.contains("subject='Invoice\u{FFFD}Q3'") && pg.contains("snippet='line one\u{FFFD}\u{FFFD}line two'"))
        #expect(pg.contains("key='mid:nul\u{FFFD}id'") && pg.contains("folder='IN\u{FFFD}BOX'"))
        #expect(pg.contains("subject='Re: caf\u{FFFD}(\u{FFFD}!'") && pg.contains("name='New\u{FFFD}Person'"))
        // Loading it again changes nothing.
        try Self.pgLoad(c, input)
        #expect(try StoreDump.canonical(c) == pg)
    }

    /// One worker per mailbox: while another session holds mailbox `main`'s load lock, a load of `main` is refused
    /// at once (exit 6) naming the holder (run, host, pid); a load of another mailbox goes on meanwhile; once the
    /// holder's connection ends (the server drops its locks), the load of `main` succeeds.
    @Test func aSecondLoaderOfTheSameMailboxIsRefusedNamingTheHolderAndOtherMailboxesLoad() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let holder = try server.connect(database: db)
        try PGSchema.migrate(holder)
        _ = try PGLoadLock.acquire(holder, runId: "run-holder", mailboxes: ["main"], shard: nil)
        let c = try server.connect(database: db)
        let e = try #require(throws: MailroomError.self) { try Self.pgLoad(c, Self.input) }
        #expect(e.status == .locked)
        #expect(e.message.contains("mailbox 'main' is being loaded by another worker (mailroom run run-holder on host "))
        #expect(e.message.contains("pid \(getpid()), PostgreSQL session "), "\(e.message)")
        #expect(!e.message.contains("\n"))
        // Nothing was written by the refused load, and its locks were all given back.
        #expect(try c.execute("SELECT count(*) FROM runs").scalar == "0")
        let other = LoadRunInfo(runId: "run-other", windowStart: nil, windowEnd: nil, mailboxes: ["other"])
        #expect(try Self.pgLoad(c, Self.input, run: other).messages == 26)
        // A shard of `main` is refused too (it shares the mailbox lock), and so is the holder's run id.
        let shard = LoadRunInfo(runId: "run-s", windowStart: nil, windowEnd: nil, mailboxes: ["main"],
                                shard: MailboxShard(index: 1, count: 2))
        #expect(throws: MailroomError.self) { try Self.pgLoad(c, Self.input, run: shard) }
        try Self.closeAndWait([holder], watcher: c)
        #expect(try Self.pgLoad(c, Self.input).messages == 26)
    }

    /// Closes the connections, then waits (up to 10 s) until the server has ended their sessions: their advisory
    /// locks are released only then.
    static func closeAndWait(_ connections: [PGConnection], watcher: PGConnection) throws {
        let pids = try connections.map { try $0.execute("SELECT pg_backend_pid()").scalar ?? "0" }
        for c in connections { c.close() }
        for _ in 0..<200 {
            let left = try watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])",
                                           ["{" + pids.joined(separator: ",") + "}"]).scalar
            if left == "0" { return }
            usleep(50_000)
        }
    }

    /// Six loaders of the same mail (contacts, sent mail to new addresses) through six mailboxes at once, batches of
    /// 4 records so that their transactions interleave: no contact created twice, no row twice, the same CRM data
    /// as one SQLite load, and every run `ok` (collisions retried, none left failed).
    @Test func loadersOfTheSameMailAtOnceCreateEachContactOnceAndTheSameRows() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        try PGSchema.migrate(try server.connect(database: db))
        let (lite, _) = try Self.sqliteDump([(F.run, Self.input)], scope: .data)
        let loaders = try (0..<6).map { i in
            LoadRacer(try server.connect(database: db),
                      LoadRunInfo(runId: "run-\(i)", windowStart: nil, windowEnd: nil, mailboxes: ["main-\(i)"]))
        }
        let failures = Failures()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for r in loaders {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                do { try Self.pgLoad(r.c, Self.input, run: r.run) } catch { failures.add("\(r.run.runId): \(error)") }
                group.leave()
            }
        }
        for _ in loaders { start.signal() }
        group.wait()
        #expect(failures.all.isEmpty, "\(failures.all)")
        let c = try server.connect(database: db)
        // The mailboxes table lists every loader's run mailbox too; the rest is the single load's data.
        let data = try StoreDump.canonical(c, scope: .data).split(separator: "\n")
            .filter { !$0.hasPrefix("mailboxes|name='main-") }.joined(separator: "\n")
        let liteData = lite
        let (got, want) = (Set(data.split(separator: "\n")), Set(liteData.split(separator: "\n")))
        #expect(data == liteData, "only here: \(got.subtracting(want).sorted()); missing: \(want.subtracting(got).sorted())")
        #expect(try c.execute("SELECT count(*) FROM contacts WHERE origin = 'created-from-sent'").scalar == "6")
        #expect(try c.execute("SELECT count(*) FROM runs WHERE status = 'ok'").scalar == "6")
    }

    /// Shards of one mailbox load at once; the same shard twice, or the whole mailbox during a shard, is refused.
    @Test func shardsOfAMailboxLockApartAndExcludeTheWholeMailbox() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let a = try server.connect(database: db), b = try server.connect(database: db), w = try server.connect(database: db)
        let one = MailboxShard(index: 1, count: 2), two = MailboxShard(index: 2, count: 2)
        _ = try PGLoadLock.acquire(a, runId: "ra", mailboxes: ["big"], shard: one)
        _ = try PGLoadLock.acquire(b, runId: "rb", mailboxes: ["big"], shard: two)
        let again = try #require(throws: MailroomError.self) {
            try PGLoadLock.acquire(w, runId: "rc", mailboxes: ["big"], shard: one)
        }
        #expect(again.status == .locked && again.message.hasPrefix("mailbox 'big' shard 1/2 is being loaded by another worker (mailroom run ra on host "))
        let whole = try #require(throws: MailroomError.self) { try PGLoadLock.acquire(w, runId: "rc", mailboxes: ["big"], shard: nil) }
        #expect(whole.status == .locked && whole.message.hasPrefix("mailbox 'big' is being loaded by another worker (mailroom run r"))
        try Self.closeAndWait([a, b], watcher: w)
        _ = try PGLoadLock.acquire(w, runId: "rc", mailboxes: ["big"], shard: nil)
    }

    /// A run left `running` by a worker that died is marked failed by the next load; a run whose worker is alive
    /// (its session holds the run's lock) is left running.
    @Test func theNextLoadMarksOnlyDeadWorkersRunsFailed() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let alive = try server.connect(database: db)
        try PGSchema.migrate(alive)
        for id in ["dead", "alive"] {
            try alive.execute("""
                INSERT INTO runs(id, kind, mailboxes, started_at, status, counts, message)
                VALUES ($1, 'load', '["x"]', 'now', 'running', '{}', 'loading')
                """, [id])
        }
        _ = try PGLoadLock.acquire(alive, runId: "alive", mailboxes: ["x"], shard: nil)
        let c = try server.connect(database: db)
        try Self.pgLoad(c, Self.input)
        let rows = try c.execute("SELECT id, status FROM runs ORDER BY id").rows
        #expect(rows == [["alive", "running"], ["dead", "failed"], ["run-1", "ok"]])
    }
}

/// A connection handed to one thread (used by it alone).
private final class LoadRacer: @unchecked Sendable {
    let c: PGConnection
    let run: LoadRunInfo
    init(_ c: PGConnection, _ run: LoadRunInfo) {
        self.c = c
        self.run = run
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var all: [String] { lock.withLock { list } }
    func add(_ s: String) { lock.withLock { list.append(s) } }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.withLock { n } }
    func add() { lock.withLock { n += 1 } }
}

extension PostgresLoadTests {
    /// A bad record that a phase's batching thread meets (a message in no thread) fails the load with one line,
    /// after the batches before it committed, and leaves the run failed; a rerun over the mended input goes on
    /// from the checkpoint and ends with the rows of an uninterrupted load.
    @Test func aMessageInNoThreadFailsTheLoadAfterTheBatchesBeforeAndARerunCompletes() throws {
        let c = try Self.newDatabase()
        var ms = try Self.input.messages.all()
        let good = ms.count
        ms.append(F.message("orphan", from: F.owner, to: ["x@ext.net"], subject: "No thread", date: "2024-05-09T10:00:00Z"))
        var bad = Self.input
        bad.messages = RecordSource(ms)
        try Self.expectInputError(c, bad, saying: "in no thread")
        #expect(try c.execute("SELECT phase FROM checkpoints").scalar == "messages")
        #expect(try c.execute("SELECT count(*) FROM messages").scalar == String(good - good % Self.options.batchSize))

        let s = try Self.pgLoad(c, Self.input)
        #expect(s.resumedFrom == "messages:\(good - good % Self.options.batchSize)")
        let (lite, _) = try Self.sqliteDump([(F.run, Self.input)])
        #expect(try StoreDump.canonical(c) == lite)
    }

    @Test func aLinkToAMessageThatWasNotLoadedIsAnInputError() throws {
        let c = try Self.newDatabase()
        var links = try Self.input.links.all()
        // In the middle of a batch, between links of stored messages.
        links.insert(ParticipantLink(messageKey: "mid:nowhere", threadId: "t1", role: "to", address: "x@y.com",
                                     isInternal: false, contactId: nil, rule: nil, ambiguous: []), at: 2)
        var bad = Self.input
        bad.links = RecordSource(links)
        try Self.expectInputError(c, bad, saying: "names a message that dedupe/messages.ndjson does not have")
    }

    /// Loads `bad`, which must fail as an input error saying `saying`, and leave its run failed.
    static func expectInputError(_ c: PGConnection, _ bad: LoadInput, saying: String) throws {
        let e = try #require(throws: MailroomError.self) { try Self.pgLoad(c, bad) }
        #expect(e.status == .input)
        #expect("\(e)".contains(saying))
        #expect(try c.execute("SELECT status FROM runs").scalar == "failed")
    }

    /// A message's links need not come together: some message is named in two places of one batch, with
    /// another message between.
    @Test func linksOfOneMessageApartLoadAsLinksTogether() throws {
        var links = try Self.input.links.all()
        // Messages taken two at a time, their links alternating: a1 b1 a2 b2 a3 …
        var byMessage: [[ParticipantLink]] = []
        for l in links {
            if byMessage.last?.first?.messageKey == l.messageKey { byMessage[byMessage.count - 1].append(l) } else { byMessage.append([l]) }
        }
        links = []
        for i in stride(from: 0, to: byMessage.count, by: 2) {
            let a = byMessage[i]
            let b = i + 1 < byMessage.count ? byMessage[i + 1] : []
            for k in 0..<max(a.count, b.count) {
                if k < a.count { links.append(a[k]) }
                if k < b.count { links.append(b[k]) }
            }
        }
        // Batches of 4 links: some batch names a message, then another, then the first again.
        let batches = stride(from: 0, to: links.count, by: 4).map { Array(links[$0..<min($0 + 4, links.count)]) }
        #expect(batches.contains { b in
            b.indices.contains { i in
                i + 2 < b.count && b[i + 1].messageKey != b[i].messageKey
                    && b[(i + 2)...].contains { $0.messageKey == b[i].messageKey }
            }
        })
        var apart = Self.input
        apart.links = RecordSource(links)
        let c = try Self.newDatabase()
        try Self.pgLoad(c, apart)
        let (lite, _) = try Self.sqliteDump([(F.run, Self.input)])
        #expect(try StoreDump.canonical(c) == lite)
    }
}
