import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// The indexes a load into an empty store builds after its rows, and the v3 migration that made the participants'
/// key one of them.
@Suite struct StoreIndexTests {
    typealias F = StoreFixture

    static var input: LoadInput { F.input(F.messages, threads: F.threads, contacts: F.contacts) }

    static func indexes(_ store: CRMStore) throws -> Set<String> {
        try store.read("t") { db in
            try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
        }
    }

    static let deferred = Set(StoreSchema.deferredIndexes.map(\.name))

    @Test func aLoadIntoAnEmptyStoreEndsWithEveryIndexOfTheSchema() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let before = try Self.indexes(store)
        #expect(before.isSuperset(of: Self.deferred))
        _ = try F.load(store, Self.input, options: LoadOptions(batchSize: 2))
        #expect(try Self.indexes(store) == before)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aFirstLoadStoppedBeforeItFinishedLeavesItsIndexesToTheNextLoadOfAnotherRun() throws {
        let cleanDir = StoreTempDir()
        let clean = try F.open(cleanDir)
        _ = try F.load(clean, Self.input, options: LoadOptions(batchSize: 2))
        let dir = StoreTempDir()
        let store = try F.open(dir)
        var first = F.run
        first.runId = "stopped"
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, run: first, options: LoadOptions(batchSize: 2),
                       fault: .throwing(at: "load.batch.afterCommit", occurrence: 6))
        }
        #expect(try Self.indexes(store).isDisjoint(with: Self.deferred))
        _ = try F.load(store, Self.input, options: LoadOptions(batchSize: 2))
        #expect(try Self.indexes(store).isSuperset(of: Self.deferred))
        #expect(try StoreDump.canonical(store, scope: .data) == StoreDump.canonical(clean, scope: .data))
    }

    @Test func aLinkRepeatedInTheInputOfAFirstLoadKeepsItsLastRowAsTheUpsertDoes() throws {
        var input = Self.input
        let links = try input.links.all()
        var again = try #require(links.first { $0.contactId != nil })
        again.contactId = nil
        again.rule = nil
        input.links = RecordSource(links + [again])
        let emptyDir = StoreTempDir(), loadedDir = StoreTempDir()
        let empty = try F.open(emptyDir)
        _ = try F.load(empty, input)
        let loaded = try F.open(loadedDir)
        _ = try F.load(loaded, Self.input, run: LoadRunInfo(runId: "earlier", windowStart: nil, windowEnd: nil,
                                                            mailboxes: ["main"]))
        _ = try F.load(loaded, input)
        #expect(try StoreDump.canonical(empty, scope: .data) == StoreDump.canonical(loaded, scope: .data))
        let row = try empty.read("t") { db in
            try Row.fetchAll(db, sql: "SELECT contact_id FROM participants WHERE message_key = ? AND role = ? "
                             + "AND address = ?", arguments: [again.messageKey, again.role, again.address])
        }
        // A load never unlinks: the repeat without a contact keeps the link the first one made.
        #expect(row.count == 1)
        #expect(row.first?["contact_id"] as String? == links.first { $0.contactId != nil }?.contactId)
    }

    @Test func aVersionTwoStoreKeepsItsParticipantsUnderAUniqueKeyWhenMigrated() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let rows: [[DatabaseValue]] = [
            ["mid:a".databaseValue, "from".databaseValue, "alice@customer.com".databaseValue, 0.databaseValue,
             "c1".databaseValue, "primary-email".databaseValue],
            ["mid:a".databaseValue, "to".databaseValue, "me@example.com".databaseValue, 1.databaseValue, .null, .null],
        ]
        do {
            let q = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(q, upTo: "v2-lifecycle")
            try q.write { db in
                try db.execute(sql: """
                    INSERT INTO contacts VALUES ('c1', 'Alice', 'import', NULL);
                    INSERT INTO mailboxes(name) VALUES ('main');
                    INSERT INTO threads VALUES ('t1', 'customer', 'matched', 'matched', 'Order', NULL, NULL);
                    INSERT INTO messages VALUES ('mid:a', 'a@x', 'h', 't1', 'main', 'received', NULL, 'Order', '', 0);
                    """)
                for r in rows {
                    try db.execute(sql: "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?)",
                                   arguments: StatementArguments(r))
                }
            }
        }
        let store = try CRMStore.open(path: path)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try db.columns(in: "participants").map(\.name)
                    == ["message_key", "role", "address", "is_internal", "contact_id", "rule"])
            let stored = try Row.fetchAll(db, sql: "SELECT * FROM participants ORDER BY role")
            #expect(stored.map { Array($0.databaseValues) } == rows)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        #expect(try Self.indexes(store).isSuperset(of: Self.deferred))
        #expect(throws: DatabaseError.self) {
            try store.queue.write { db in
                try db.execute(sql: "INSERT INTO participants VALUES ('mid:a', 'to', 'me@example.com', 1, NULL, NULL)")
            }
        }
    }
}
