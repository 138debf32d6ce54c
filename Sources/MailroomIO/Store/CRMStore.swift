import Foundation
import GRDB

/// The SQLite CRM store: one file, opened through GRDB with WAL and foreign keys, migrated on open.
///
/// Opening refuses, each with one line naming the path: a file that is not SQLite or another program's database
/// (`.store`), a schema newer than this binary knows (`.store`), a location that cannot be written (`.localIO`).
/// Nothing is written before those checks pass, and every write is a transaction, so nothing is half-written.
public final class CRMStore: Sendable {
    /// The store file's path.
    public let path: String
    /// GRDB's connection. Writers go through `write(_:)` so that SQLite errors become `MailroomError`s.
    public let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// The lock file guarding writers of the store at `path`.
    public static func lockPath(for path: String) -> String { path + ".lock" }

    /// How long a connection waits for another's lock on the file, in seconds: a reader for the commit of a
    /// first load's batch, the loader for a reader's transaction to end. In WAL mode a reader never waits, and
    /// writers take the store's lock file before they write.
    static let busyTimeout: TimeInterval = 60

    /// Opens (creating and migrating when needed) the store at `path`.
    /// - Parameter readOnly: open without writing anything: the file must exist and be fully migrated.
    public static func open(path: String, readOnly: Bool = false) throws -> CRMStore {
        try open(path: path, readOnly: readOnly, requireMigrated: true)
    }

    /// Opens an existing store read-only, whatever migrations it still lacks (the tables every version has can be
    /// read): a stage that only reads contacts must not fail on a store the next load migrates.
    static func openForReading(path: String) throws -> CRMStore {
        try open(path: path, readOnly: true, requireMigrated: false)
    }

    private static func open(path: String, readOnly: Bool, requireMigrated: Bool) throws -> CRMStore {
        try precheck(path: path, readOnly: readOnly)
        if !readOnly { makePrivate(path: path) } else { rollBackUnfinishedTransaction(path: path) }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        // A new file is created in SQLite's rollback-journal mode and switched to WAL once migrated (`useWAL`):
        // the schema goes straight into the file instead of into WAL frames of every migration, so creating a
        // store takes little more room than the file. An existing store is WAL already (it stays so in the file).
        config.journalMode = .default
        config.label = "mailroom-store"
        // While a first load writes through the rollback journal (`useRollbackJournalForFirstLoad`), a reader in
        // another process and the loader's commits wait for each other's lock instead of failing at once.
        config.busyMode = .timeout(CRMStore.busyTimeout)
        if !readOnly {
            // WAL with `synchronous = NORMAL`: a commit appends to the WAL without an fsync; the WAL is synced at
            // each WAL checkpoint. Still crash-safe: a process crash or kill loses nothing (the WAL is in the OS),
            // and a power loss can only drop the last few committed transactions, never corrupt the file. Each
            // batch's rows commit with their load checkpoint row, so a dropped transaction drops both together
            // and a rerun redoes exactly those batches (every row is an upsert).
            // An 8 MiB page cache (SQLite's default is 2 MB): a load touches index pages all over the file. 16 MiB
            // was no faster and set the peak of a 100k run with its load (5 pairs: 98.9-101.1 MiB against
            // 91.6-94.2 MiB with 8; wall x1.00, CPU x0.99).
            // WAL checkpoints every 10,000 pages (~40 MB of WAL; default 1,000): a page rewritten by several
            // batches is copied into the database once, with 4x fewer fsyncs. A power loss can then drop more of
            // the last batches (each with its checkpoint row), still never half of one.
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA cache_size = -8192")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw StoreErrors.map(error, path: path, doing: "open the store")
        }
        let store = CRMStore(path: path, queue: queue)
        try store.checkAndMigrate(readOnly: readOnly, requireMigrated: requireMigrated)
        return store
    }

    /// Runs `body` in a write transaction; SQLite errors become `MailroomError`s naming the store.
    public func write<T>(_ doing: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch {
            throw StoreErrors.map(error, path: path, doing: doing)
        }
    }

    /// Runs `body` on the connection outside a transaction, for a writer that begins and commits its own; a
    /// transaction `body` leaves open when it throws is rolled back. SQLite errors become `MailroomError`s.
    func writeInTransactions<T>(_ doing: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                do {
                    return try body(db)
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }
                    throw error
                }
            }
        } catch {
            throw StoreErrors.map(error, path: path, doing: doing)
        }
    }

    /// Runs `body` in a read transaction; SQLite errors become `MailroomError`s naming the store.
    public func read<T>(_ doing: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw StoreErrors.map(error, path: path, doing: doing)
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read("check integrity") { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
        }
    }

    /// Before SQLite sees the path: a folder, a missing parent folder, or a file that is not SQLite.
    private static func precheck(path: String, readOnly: Bool) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue {
                throw MailroomError(.store, "is a folder, not a store file", location: path)
            }
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw MailroomError(.localIO, "cannot read the store file (permission denied?)", location: path)
            }
            let head = (try? h.read(upToCount: 16)) ?? Data()
            try? h.close()
            if !head.isEmpty && head != Data("SQLite format 3\0".utf8) {
                throw MailroomError(.store, "not an SQLite database: is `store:` pointing at the right file?",
                                    location: path)
            }
        } else {
            if readOnly {
                throw MailroomError(.store, "no store here yet: load a run or import contacts first",
                                    location: path)
            }
            let parent = (path as NSString).deletingLastPathComponent
            let dir = parent.isEmpty ? "." : parent
            var parentIsDir: ObjCBool = false
            if !fm.fileExists(atPath: dir, isDirectory: &parentIsDir) || !parentIsDir.boolValue {
                throw MailroomError(.localIO, "cannot create the store: folder \(dir) does not exist",
                                    location: path)
            }
        }
    }

    /// Refuses foreign or newer stores, then applies pending migrations.
    private func checkAndMigrate(readOnly: Bool, requireMigrated: Bool) throws {
        let migrator = StoreSchema.migrator
        let state: (appID: Int32, version: Int, tables: Int, superseded: Bool, complete: Bool)
        do {
            state = try queue.read { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    """) ?? 0
                let superseded = try db.tableExists("grdb_migrations") ? try migrator.hasBeenSuperseded(db) : false
                let complete = try db.tableExists("grdb_migrations") ? try migrator.hasCompletedMigrations(db) : false
                return (appID, version, tables, superseded, complete)
            }
        } catch {
            throw StoreErrors.map(error, path: path, doing: "read the store")
        }
        if state.tables > 0 && state.appID != StoreSchema.applicationID {
            throw MailroomError(.store, "an SQLite database, but not a Mailroom store (another program's file?)",
                                location: path)
        }
        if state.version > StoreSchema.version || state.superseded {
            throw MailroomError(.store, "store schema version \(state.version) is newer than this mailroom knows "
                                + "(\(StoreSchema.version)): upgrade mailroom", location: path)
        }
        if !state.complete {
            if readOnly && !requireMigrated { return }
            if readOnly {
                throw MailroomError(.store, "store schema version \(state.version) needs migrating: run a load or "
                                    + "contacts import first", location: path)
            }
            do {
                try migrator.migrate(queue)
            } catch {
                throw StoreErrors.map(error, path: path, doing: "create the store schema")
            }
        }
        if !readOnly { try useWAL() }
    }

    /// Switches the file to WAL (persistent in the file; a no-op once it is).
    private func useWAL() throws {
        do {
            try queue.writeWithoutTransaction { db in _ = try Self.enterWAL(db) }
        } catch {
            throw StoreErrors.map(error, path: path, doing: "create the store schema")
        }
    }

    /// WAL with `synchronous = NORMAL`, the store's mode outside a first load (`useRollbackJournalForFirstLoad`);
    /// outside a transaction. Whether the file is in WAL now: SQLite keeps the old mode when another connection
    /// holds the file.
    static func enterWAL(_ db: Database) throws -> Bool {
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" { return true }
        return try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal"
    }
}
