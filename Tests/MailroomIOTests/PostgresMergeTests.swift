import Testing
@testable import MailroomIO
import MailroomCore

/// `PGLoadBatch.merge` against a real PostgreSQL: a merge is a plain `INSERT` while none of its keys is stored,
/// and the upsert from the first batch that meets a stored key on, with the rows an upsert alone would leave.
@Suite("PostgreSQL merge", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresMergeTests {
    static let upsert = """
        INSERT INTO kv(k, v) SELECT k, v FROM in_kv ORDER BY k
        ON CONFLICT (k) DO UPDATE SET v = kv.v || '+' || excluded.v
        """

    static func batch(_ c: PGConnection, _ b: PGLoadBatch, _ rows: [(String, String)]) throws {
        try c.transaction { c in
            try c.copyIn(table: "in_kv", columns: ["k", "v"], rows: rows.map { [$0.0, $0.1] })
            try b.merge("kv", Self.upsert)
        }
    }

    static func rows(_ c: PGConnection) throws -> [String] {
        try c.execute("SELECT k || '=' || v FROM kv ORDER BY k").rows.map { $0[0] ?? "NULL" }
    }

    @Test func newKeysAreInsertedAndAStoredKeyTurnsTheMergeIntoTheUpsertForTheRestOfTheLoad() throws {
        let c = try PostgresLoadTests.newDatabase()
        try c.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        try c.execute("CREATE TEMP TABLE in_kv (k TEXT, v TEXT) ON COMMIT DELETE ROWS")
        let b = PGLoadBatch(connection: c, state: LoadState(runId: "r", options: LoadOptions()))
        try Self.batch(c, b, [("a", "1"), ("b", "1")])
        #expect(b.upsertOnly.isEmpty)
        // `b` is stored, `c` is new: the plain insert meets `b`, is rolled back to its savepoint (nothing of `c`
        // twice), and the upsert merges both in the same transaction.
        try Self.batch(c, b, [("b", "2"), ("c", "2")])
        #expect(b.upsertOnly == ["kv"])
        #expect(try Self.rows(c) == ["a=1", "b=1+2", "c=2"])
        // From then on the upsert runs first: new keys and stored keys alike.
        try Self.batch(c, b, [("a", "3"), ("d", "3")])
        #expect(try Self.rows(c) == ["a=1+3", "b=1+2", "c=2", "d=3"])
    }

    /// Merges one batch with `copyMerge`; returns the rows its transaction staged (before the commit empties them).
    @discardableResult
    static func copyBatch(_ c: PGConnection, _ b: PGLoadBatch, _ rows: [(String, String)], direct: Bool = true) throws -> String? {
        try c.transaction { c in
            try b.copyMerge("kv", staging: "in_kv", encoded: PostgresCopy.encodeSorted(rows.map { [$0.0, $0.1] }),
                            upsert: Self.upsert, direct: direct, columns: ["k", "v"])
            return try c.execute("SELECT count(*) FROM in_kv").scalar
        }
    }

    /// `copyMerge`: rows go straight into the table while no key is stored (nothing is staged); a batch meeting a
    /// stored key is rolled back to its savepoint and upserted from staging, and so is every later batch;
    /// `direct: false` always goes through staging.
    @Test func copiedStraightIntoTheTableUntilAStoredKeyThenUpsertedFromStaging() throws {
        let c = try PostgresLoadTests.newDatabase()
        try c.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        try c.execute("CREATE TEMP TABLE in_kv (k TEXT, v TEXT) ON COMMIT DELETE ROWS")
        let b = PGLoadBatch(connection: c, state: LoadState(runId: "r", options: LoadOptions()))
        #expect(try Self.copyBatch(c, b, [("b", "1"), ("a", "1")]) == "0")
        #expect(b.upsertOnly.isEmpty)
        #expect(try Self.copyBatch(c, b, [("c", "2"), ("b", "2")]) == "2")
        #expect(b.upsertOnly == ["kv"])
        #expect(try Self.rows(c) == ["a=1", "b=1+2", "c=2"])
        #expect(try Self.copyBatch(c, b, [("d", "3")]) == "1")
        #expect(try Self.rows(c) == ["a=1", "b=1+2", "c=2", "d=3"])

        let other = PGLoadBatch(connection: c, state: LoadState(runId: "r2", options: LoadOptions()))
        #expect(try Self.copyBatch(c, other, [("e", "4")], direct: false) == "1")
        #expect(try Self.rows(c).last == "e=4")
    }

    /// A threads batch whose ids two threads share (one root, one placeholder), an id written two canonically
    /// equivalent ways (one id for Swift's `==`, two for the store), and ids with COPY escapes.
    static let sharedIds: [ThreadRecord] = {
        func thread(_ id: String, root: String, ids: [String]) -> ThreadRecord {
            var t = ThreadRecord(threadId: id, classification: .unmatched, subject: "s", messageKeys: ["mid:\(id)"],
                                 firstDate: nil, lastDate: nil, sent: 0, received: 1, participants: [], external: [],
                                 contacts: [], mailboxes: ["m"])
            t.root = root
            t.ids = ids
            return t
        }
        return [
            thread("t9", root: "a@x", ids: ["a@x", "caf\u{E9}@x", "tab\there@x", "shared@x"]),
            thread("t2", root: "b@x", ids: ["b@x", "cafe\u{301}@x", "back\\slash@x", "shared@x"]),
            thread("t5", root: "shared@x", ids: ["shared@x", "c@x"]),
        ]
    }()

    /// The batch's ids written by `writeThreadIds` in a new store, as the direct copy (no id stored) or as the
    /// upsert from staging: the rows of `thread_ids` and the pairs that feed the merge.
    static func threadIds(direct: Bool) throws -> (rows: [String], merges: [String]) {
        let c = try PostgresLoadTests.newDatabase()
        try PGSchema.migrate(c)
        try PGLoadBatch.createStaging(c)
        let b = PGLoadBatch(connection: c, state: LoadState(runId: "r", options: LoadOptions()))
        if !direct { b.upsertOnly.insert("thread_ids") }
        let p = PGLoadBatch.prepareThreadIds(Self.sharedIds)
        try c.transaction { c in
            try c.copyIn(table: "threads", columns: ["id", "visibility", "class", "proposed_class", "subject"],
                         rows: Self.sharedIds.map { [$0.threadId, "customer", "unmatched", "unmatched", "s"] })
            try b.writeThreadIds(p)
        }
        let rows = try c.execute("""
            SELECT encode(convert_to(id, 'UTF8'), 'hex') || ' ' || thread_id || ' ' || is_root || has_parent
            FROM thread_ids ORDER BY id COLLATE "C"
            """).rows.map { $0[0] ?? "" }
        let merges = try c.execute("SELECT loser || '>' || survivor FROM thread_merges ORDER BY loser").rows.map { $0[0] ?? "" }
        return (rows, merges)
    }

    @Test func threadIdsCopiedStraightLeaveWhatTheUpsertLeaves() throws {
        let p = PGLoadBatch.prepareThreadIds(Self.sharedIds)
        // The pairs as the upsert answers them: each thread holding `shared@x` with the least of them.
        #expect(Set(p.pairs.map { "\($0.0)>\($0.1)" }) == ["t5>t2", "t9>t2"])
        let direct = try Self.threadIds(direct: true)
        let upsert = try Self.threadIds(direct: false)
        #expect(direct.rows == upsert.rows)
        #expect(direct.merges == upsert.merges)
        // Eight ids: both spellings of café, and `shared@x` once, a root some thread saw with a parent. (The
        // group's ids then move to its survivor, so the thread column is not asserted.)
        #expect(direct.rows.count == 8)
        let hex = { (s: String) in s.utf8.map { String(format: "%02x", $0) }.joined() }
        func row(_ id: String, _ flags: String) -> Bool {
            direct.rows.contains { $0.hasPrefix(hex(id) + " ") && $0.hasSuffix(" " + flags) }
        }
        #expect(row("caf\u{E9}@x", "01"))
        #expect(row("cafe\u{301}@x", "01"))
        #expect(row("shared@x", "11"))
        #expect(row("a@x", "10"))
        #expect(row("tab\there@x", "01"))
        #expect(row("back\\slash@x", "01"))
        #expect(!direct.merges.isEmpty)
    }
}
