import Testing
@testable import MailroomIO
import MailroomCore

/// A load into an empty PostgreSQL store adds the large tables' secondary indexes and foreign keys after their rows
/// (`PGSchema+Deferred.swift`): the store ends with the schema a migration gives, also when the load was stopped
/// half-way and then finished by a rerun or by another run.
@Suite("PostgreSQL deferred indexes", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresDeferredSchemaTests {
    typealias F = StoreFixture

    static func migratedShape() throws -> [[String?]] {
        let c = try PostgresLoadTests.newDatabase()
        try PGSchema.migrate(c)
        return try PostgresSchemaTests.shape(c)
    }

    static func hasIndex(_ c: PGConnection, _ name: String) throws -> Bool {
        try c.execute("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = $1)", [name]).scalar == "t"
    }

    static func hasConstraint(_ c: PGConnection, _ name: String) throws -> Bool {
        try c.execute("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)", [name]).scalar == "t"
    }

    @Test func aLoadIntoAnEmptyStoreEndsWithTheMigratedSchema() throws {
        let c = try PostgresLoadTests.newDatabase()
        try PostgresLoadTests.pgLoad(c, PostgresLoadTests.input)
        #expect(try PostgresSchemaTests.shape(c) == Self.migratedShape())
    }

    /// Stopped after its first committed batch, the load has rows without the deferred indexes and keys; the rerun
    /// adds them back and leaves the rows of an uninterrupted load.
    @Test func aLoadStoppedHalfWayIsFinishedByItsRerunWithTheWholeSchema() throws {
        let (lite, _) = try PostgresLoadTests.sqliteDump([(F.run, PostgresLoadTests.input)])
        let c = try PostgresLoadTests.newDatabase()
        #expect(throws: SimulatedCrash.self) {
            try PostgresLoadTests.pgLoad(c, PostgresLoadTests.input,
                                         fault: .throwing(at: "load.batch.afterCommit", occurrence: 2))
        }
        #expect(try !Self.hasIndex(c, "messages_thread") && !Self.hasConstraint(c, "participants_message_key_fkey"))
        try PostgresLoadTests.pgLoad(c, PostgresLoadTests.input)
        #expect(try PostgresSchemaTests.shape(c) == Self.migratedShape())
        #expect(try StoreDump.canonical(c) == lite)
    }

    /// A store with rows: a new run keeps every index and key from its first row on (after one that was stopped
    /// half-way, it adds the missing ones back first).
    @Test func aLoadIntoAStoreWithRowsKeepsOrRestoresTheSchemaFromItsStart() throws {
        let c = try PostgresLoadTests.newDatabase()
        #expect(throws: SimulatedCrash.self) {
            try PostgresLoadTests.pgLoad(c, PostgresLoadTests.input, fault: .throwing(at: "load.batch.afterCommit", occurrence: 12))
        }
        #expect(try c.execute("SELECT count(*) FROM messages").scalar != "0")
        #expect(throws: SimulatedCrash.self) {
            try PostgresLoadTests.pgLoad(c, PostgresLoadTests.laterInput, run: PostgresLoadTests.laterRun,
                                         fault: .throwing(at: "load.start", occurrence: 1))
        }
        #expect(try Self.hasIndex(c, "messages_thread") && Self.hasConstraint(c, "participants_message_key_fkey"))
        try PostgresLoadTests.pgLoad(c, PostgresLoadTests.laterInput, run: PostgresLoadTests.laterRun)
        #expect(try PostgresSchemaTests.shape(c) == Self.migratedShape())
    }
}
