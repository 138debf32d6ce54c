import Foundation
import GRDB
import Testing
@testable import MailroomIO
import MailroomCore

/// The store's schema in PostgreSQL (`PGSchema`) and its canonical dump, against a real server (`PostgresServer`),
/// compared with a new SQLite store.
@Suite("PostgreSQL store schema", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresSchemaTests {
    /// Tables, columns in order with their types, indexes, constraints and applied migrations.
    static func shape(_ c: PGConnection) throws -> [[String?]] {
        try c.execute("""
            SELECT table_name, column_name, data_type, collation_name, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = current_schema()
            ORDER BY table_name, ordinal_position
            """).rows
            + c.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname").rows
            + c.execute("""
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2
                """).rows
            + c.execute("SELECT * FROM schema_migrations ORDER BY identifier").rows
            + c.execute("SELECT * FROM schema_info ORDER BY key").rows
    }

    static func sqliteStore() throws -> (CRMStore, URL) {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mailroom-pgschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try CRMStore.open(path: dir.appendingPathComponent("crm.sqlite").path), dir)
    }

    @Test func migratesToSQLitesTablesColumnsAndMigrationNamesAndTwiceIsANoOp() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        #expect(try PGSchema.applied(c).isEmpty)
        try PGSchema.migrate(c)
        let once = try Self.shape(c)
        try PGSchema.migrate(c)
        #expect(try Self.shape(c) == once)

        let (store, dir) = try Self.sqliteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqliteMigrations = try store.read("read") { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(try PGSchema.applied(c) == sqliteMigrations)
        #expect(sqliteMigrations.count == 8)
        for table in StoreSchema.tables {
            let lite = try store.read("read") { db in
                try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
                                 arguments: [table]).map { r -> String in
                    let type = (r["type"] as String) == "INTEGER" ? "bigint" : "text"
                    return "\(r["name"] as String) \(type) \((r["notnull"] as Int) == 1 || (r["pk"] as Int) > 0 ? "NO" : "YES")"
                }
            }
            let pg = try c.execute("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                """, [table]).rows.map { "\($0[0]!) \($0[1]!) \($0[2]!)" }
            #expect(pg == lite, "\(table)")
        }
        // Text compares bytewise, as SQLite's BINARY collation.
        #expect(try c.execute("""
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
            """).scalar == "0")
        // The checks SQLite keeps hold too: the run log's widened status, the participants' key.
        try c.execute("INSERT INTO runs(id, kind, mailboxes, started_at, status, counts, message) VALUES ('r', 'sync', '[]', 'x', 'interrupted', '{}', 'm')")
        #expect(throws: MailroomError.self) {
            try c.execute("INSERT INTO runs(id, kind, mailboxes, started_at, status, counts, message) VALUES ('s', 'load', '[]', 'x', 'done', '{}', 'm')")
        }
        #expect(c.lastSQLState == "23514")
        #expect(try c.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'participants_key'").scalar
            == "CREATE UNIQUE INDEX participants_key ON public.participants USING btree (message_key, role, address)")
    }

    /// Two connections migrating a new database at the same time: the advisory lock makes one wait, and the
    /// database ends with one schema, each migration recorded once.
    @Test func twoConnectionsMigratingAtOnceLeaveOneSchema() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let racers = try (0..<2).map { _ in MigrationRacer(try server.connect(database: db)) }
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for r in racers {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                r.run()
                group.leave()
            }
        }
        start.signal()
        start.signal()
        group.wait()
        let failures = racers.compactMap(\.failure)
        #expect(failures.isEmpty, "\(failures)")
        let c = try server.connect(database: db)
        #expect(try PGSchema.applied(c) == PGSchema.migrations.map(\.name).sorted())
        #expect(try c.execute("SELECT count(*) FROM schema_info").scalar == "1")
        let fresh = try server.connect(database: try server.createDatabase())
        try PGSchema.migrate(fresh)
        #expect(try Self.shape(c) == Self.shape(fresh))
    }

    /// Rows with NULLs, integers, non-ASCII text (sorted by bytes: "Z" < "a" < "É" < "ü"), backslashes, tabs and
    /// control characters, inserted into both stores: the dumps are the same bytes, all tables and data only.
    @Test func theDumpOfTheSameRowsIsByteIdenticalToSQLites() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        try PGSchema.migrate(c)
        let (store, dir) = try Self.sqliteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows: [(String, [String?])] = [
            ("contacts", ["auto:b@x.example", "Zoë \\ \t tab", "created-from-sent", "run-1", nil]),
            ("contacts", ["a", "Émile", "import", nil, "Émile\u{1F}bad\u{1F}Émile <e@x.example>"]),
            ("contacts", ["Z", "ünder\u{7}bell", "import", nil, nil]),
            ("contacts", ["é", "line\nbreak", "import", nil, nil]),
            ("contact_emails", ["a", "1", "Émile <e@x.example>", "e@x.example", "e@x.example", "e@x.example", nil]),
            ("contact_emails", ["a", "0", "bad", nil, nil, nil, "unparseable"]),
            ("contact_emails", ["Z", "10", "z@x.example", "z@x.example", nil, nil, "held-by:a"]),
            ("contact_emails", ["Z", "9", "y@x.example", "y@x.example", "y@x.example", nil, nil]),
            ("mailboxes", ["ops", "connected", nil, nil, nil, "0"]),
            ("mailboxes", ["Ops", "disconnected", "2026-01-01T00:00:00Z", "why", nil, "1"]),
            ("threads", ["t1", "customer", "matched", "matched", "Ré: hello", "2026-01-01T00:00:00Z", nil]),
            ("threads", ["t0", "internal", "internal-only", "unmatched", "", nil, nil]),
            ("messages", ["k2", nil, "h", "t1", "ops", "sent", nil, "s", "", "0", "1"]),
            ("messages", ["k1", "<m@x>", "h", "t1", "Ops", "received", "2026-01-01T00:00:00Z", "s", "snip", "1", "0"]),
            ("participants", ["k1", "from", "e@x.example", "0", "a", "primary-email"]),
            ("participants", ["k1", "to", "z@x.example", "1", nil, nil]),
            ("participants", ["k2", "cc", "e@x.example", "0", nil, nil]),
            ("cursors", ["ops", "INBOX", "4294967295", "9223372036854775807", "2026", "1"]),
            ("cursors", ["ops", "Archive", "1", "0", "2026", "0"]),
        ]
        for (table, values) in rows {
            let params = values.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
            try c.execute("INSERT INTO \(table) VALUES (\(params))", values)
            try store.write("insert") { db in
                try db.execute(sql: "INSERT INTO \(table) VALUES (\(values.map { _ in "?" }.joined(separator: ", ")))",
                               arguments: StatementArguments(values))
            }
        }
        let lite = try StoreDump.canonical(store)
        let pg = try StoreDump.canonical(c)
        #expect(pg == lite)
        #expect(try StoreDump.canonical(c, scope: .data) == StoreDump.canonical(store, scope: .data))
        #expect(lite.contains("contact_emails|contact_id='Z'|position=9|"))
        #expect(lite.contains("\\u{7}") && lite.contains("cursors|mailbox='ops'|folder='INBOX'|uidvalidity=4294967295"))
        let contacts = lite.split(separator: "\n").filter { $0.hasPrefix("contacts|") }.map { $0.dropFirst("contacts|id='".count).prefix(1) }
        #expect(contacts == ["Z", "a", "a", "\u{E9}"])
    }

    @Test func aDatabaseMigratedByANewerMailroomOrNotYetIsRefused() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        let empty = try #require(throws: MailroomError.self) { try StoreDump.canonical(c) }
        #expect(empty.status == .store && empty.message.contains("no store here yet"))
        try PGSchema.migrate(c)
        try c.execute("INSERT INTO schema_migrations VALUES ('v9-future')")
        let newer = try #require(throws: MailroomError.self) { try PGSchema.migrate(c) }
        #expect(newer.status == .store && newer.message.contains("v9-future") && newer.message.contains("upgrade mailroom"))
        #expect(throws: MailroomError.self) { try StoreDump.canonical(c) }
    }
}

/// One thread's migration of a shared new database; the connection is used by that thread only.
private final class MigrationRacer: @unchecked Sendable {
    let connection: PGConnection
    private(set) var failure: String?

    init(_ connection: PGConnection) { self.connection = connection }

    func run() {
        do { try PGSchema.migrate(connection) } catch { failure = "\(error)" }
    }
}
