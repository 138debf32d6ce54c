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
}
