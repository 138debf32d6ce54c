/// The CRM store's schema in PostgreSQL: the same tables, columns (in the same order), keys, checks and
/// semantics as SQLite's (`StoreSchema`), applied by migrations of the same names (`v1-core` … `v8-copy-labels`),
/// recorded in `schema_migrations(identifier)` as GRDB records them in SQLite's `grdb_migrations`.
///
/// Types: SQLite's `INTEGER` is `BIGINT`; every `TEXT` column is `TEXT COLLATE "C"`, so comparisons, `LEAST`, sort
/// orders and unique keys compare bytes as SQLite's `BINARY` collation does, whatever the database's locale.
/// Migrating runs in one transaction under a transaction-scoped advisory lock (`lockKey`): two processes migrating
/// a new database at once leave one schema (the second waits, then finds every migration applied).
public enum PGSchema {
    /// `pg_advisory_xact_lock` key of migrations ("MROM", `StoreSchema.applicationID`).
    static let lockKey = String(StoreSchema.applicationID)

    /// The migrations, in order, with SQLite's names. Each is a list of statements (libpq runs one per call).
    static let migrations: [(name: String, statements: [String])] = [
        ("v1-core", v1.map(pg) + ["INSERT INTO schema_info(key, value) VALUES ('schema_version', '1')"]),
        ("v2-lifecycle", v2.map(pg) + [version(2)]),
        ("v3-load-indexes", v3 + [version(3)]),
        ("v4-subject-joins", ["ALTER TABLE messages ADD COLUMN joined_by_subject BIGINT NOT NULL DEFAULT 0", version(4)]),
        ("v5-run-interrupted", [
            "ALTER TABLE runs DROP CONSTRAINT runs_status_check",
            "ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running', 'ok', 'failed', 'partial', 'interrupted'))",
            version(5),
        ]),
        ("v6-contact-commands", [
            "ALTER TABLE runs DROP CONSTRAINT runs_kind_check",
            "ALTER TABLE runs ADD CONSTRAINT runs_kind_check CHECK (kind IN ('" + StoreSchema.runKindsV6.joined(separator: "', '") + "'))",
            pg(StoreSchema.contactMergesTable),
            pg(StoreSchema.contactsFileRow),
            version(6),
        ]),
        ("v7-thread-ids", StoreSchema.v7.map(pg) + [version(7)]),
        ("v8-copy-labels", StoreSchema.v8.map(pg) + [version(8)]),
    ]

    /// Applies the migrations not yet applied, in one transaction holding the migration lock. Refuses (`.store`) a
    /// database that records a migration this binary does not know (a newer Mailroom migrated it).
    public static func migrate(_ c: PGConnection) throws {
        try c.transaction { c in
            try c.execute("SET LOCAL client_min_messages = warning")  // no NOTICE for the table that exists
            try c.execute("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey])
            try c.execute("CREATE TABLE IF NOT EXISTS schema_migrations (identifier TEXT COLLATE \"C\" PRIMARY KEY NOT NULL)")
            let applied = Set(try c.execute("SELECT identifier FROM schema_migrations").rows.compactMap { $0.first ?? nil })
            try refuseNewer(applied, c)
            for m in migrations where !applied.contains(m.name) {
                for sql in m.statements { try c.execute(sql) }
                try c.execute("INSERT INTO schema_migrations(identifier) VALUES ($1)", [m.name])
            }
        }
    }

    /// The names of the applied migrations; empty when the database holds no Mailroom store.
    public static func applied(_ c: PGConnection) throws -> [String] {
        let exists = try c.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").scalar == "t"
        guard exists else { return [] }
        return try c.execute("SELECT identifier FROM schema_migrations ORDER BY identifier").rows.compactMap { $0.first ?? nil }
    }

    /// Throws unless every migration is applied and none is unknown (a reader that must not write).
    public static func requireMigrated(_ c: PGConnection) throws {
        let applied = Set(try applied(c))
        try refuseNewer(applied, c)
        if applied.isEmpty {
            throw MailroomError(.store, "no store here yet: load a run or import contacts first", location: c.target.location)
        }
        if applied.count < migrations.count {
            throw MailroomError(.store, "store schema needs migrating (\(applied.count) of \(migrations.count) migrations applied): run a load first",
                                location: c.target.location)
        }
    }

    private static func refuseNewer(_ applied: Set<String>, _ c: PGConnection) throws {
        let known = Set(migrations.map(\.name))
        if let unknown = applied.subtracting(known).sorted().first {
            throw MailroomError(.store, "store schema has migration \(unknown), newer than this mailroom knows "
                                + "(\(StoreSchema.version)): upgrade mailroom", location: c.target.location)
        }
    }

    private static func version(_ v: Int) -> String {
        "UPDATE schema_info SET value = '\(v)' WHERE key = 'schema_version'"
    }

    /// SQLite's column types in PostgreSQL: `TEXT` compared bytewise, `INTEGER` 64-bit.
    static func pg(_ sql: String) -> String {
        sql.replacingOccurrences(of: " TEXT", with: " TEXT COLLATE \"C\"")
            .replacingOccurrences(of: " INTEGER", with: " BIGINT")
    }
}
