import Foundation
import GRDB
import MailroomCore

/// A CRM store the commands around the load work on: the SQLite file (`CRMStore`) or a PostgreSQL database
/// (`PGStore`). The run log, the mailboxes' states and dependents, the folder cursors and the review are written
/// once over `StoreSQL` (`CRMStore+RunLog`, `CRMStore+Mailboxes`, `CRMStore+MailboxLifecycle`, …) and run on either.
public protocol MailroomStore: AnyObject, IMAPCursorStore {
    /// Where the store is, for messages and outputs: the SQLite file's path, or `postgres://HOST:PORT/DATABASE`.
    var location: String { get }
    /// Runs `body` in a read transaction; failures become `MailroomError`s naming the store.
    func readSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T
    /// Runs `body` in a write transaction (rolled back when it throws).
    func writeSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T
}

extension CRMStore: MailroomStore {
    public var location: String { path }

    public func readSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T {
        try read(doing) { db in try body(db) }
    }

    public func writeSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T {
        try write(doing) { db in try body(db) }
    }
}

/// Opens the store a pipeline names, SQLite or PostgreSQL (`store:`).
public enum StoreAccess {
    /// The pipeline's store, created (SQLite) and migrated when needed.
    public static func open(_ pipeline: LoadedPipeline) throws -> any MailroomStore {
        if let path = try CRMStore.sqlitePath(for: pipeline) { return try CRMStore.open(path: path) }
        return try PGStore.open(for: pipeline, create: true)!
    }

    /// The pipeline's store when it exists, else nil (nothing is created): no SQLite file yet, or a PostgreSQL
    /// database without Mailroom's schema. `readOnly` opens an SQLite file without writing (it must be migrated).
    public static func existing(_ pipeline: LoadedPipeline, readOnly: Bool) throws -> (any MailroomStore)? {
        if let path = try CRMStore.sqlitePath(for: pipeline) {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try CRMStore.open(path: path, readOnly: readOnly)
        }
        return try PGStore.open(for: pipeline, create: false, readOnly: readOnly)
    }

    /// The pipeline's store for a reader that needs one: a store that does not exist yet is refused (`.store`,
    /// "no store here yet"), as one not fully migrated; nothing is written.
    public static func reading(_ pipeline: LoadedPipeline) throws -> any MailroomStore {
        if let path = try CRMStore.sqlitePath(for: pipeline) { return try CRMStore.open(path: path, readOnly: true) }
        let c = try PGConnection.open(for: pipeline)
        try PGSchema.requireMigrated(c)
        return PGStore(connection: c)
    }
}

/// The PostgreSQL CRM store of a pipeline, over one connection (`PGConnection`): the commands besides the load
/// (which is `PGStoreLoader`'s) read and write it through `StoreSQL`, each operation in one transaction.
public final class PGStore: MailroomStore {
    public let connection: PGConnection
    /// Mailboxes a command's lock (`PGCommandLock`) covers besides those the store knows: the pipeline's.
    public var commandMailboxes: [String] = []

    init(connection: PGConnection) { self.connection = connection }

    public var location: String { connection.target.location }

    /// Connects to the pipeline's PostgreSQL store, migrated when needed. `create`: always returns a store; else
    /// nil when the database holds no Mailroom store yet. A store newer than this binary is refused (`.store`).
    /// `readOnly` (without `create`): a store that needs migrating is refused rather than migrated.
    public static func open(for pipeline: LoadedPipeline, create: Bool, readOnly: Bool = false) throws -> PGStore? {
        try open(try PGConnection.open(for: pipeline), create: create, readOnly: readOnly)
    }

    /// The store a `--store postgres://…` option names: no pipeline, so no `secret:`; libpq's `PGPASSWORD` or
    /// `~/.pgpass` gives the password (a password in the URI is refused, `.usage`).
    public static func open(uri: String, create: Bool, readOnly: Bool = false) throws -> PGStore? {
        try open(try connect(uri: uri), create: create, readOnly: readOnly)
    }

    /// The store `uri` names, for a reader that needs one: none yet, or one not fully migrated, is refused
    /// (`.store`, as `StoreAccess.reading`).
    public static func reading(uri: String) throws -> PGStore {
        let c = try connect(uri: uri)
        try PGSchema.requireMigrated(c)
        return PGStore(connection: c)
    }

    private static func connect(uri: String) throws -> PGConnection {
        switch PostgresSettings.parse(uri: uri) {
        case .success(let settings): return try PGConnection.connect(settings, password: nil)
        case .failure(let problem): throw MailroomError(.usage, problem.message, location: "--store")
        }
    }

    private static func open(_ c: PGConnection, create: Bool, readOnly: Bool) throws -> PGStore? {
        try c.execute("SET client_min_messages = warning")
        if try !create && PGSchema.applied(c).isEmpty {
            c.close()
            return nil
        }
        if readOnly && !create {
            try PGSchema.requireMigrated(c)
        } else {
            try PGSchema.migrate(c)
        }
        return PGStore(connection: c)
    }

    public func readSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T {
        try naming(doing) {
            try connection.transaction { c in
                try c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return try body(c)
            }
        }
    }

    public func writeSQL<T>(_ doing: String, _ body: (any StoreSQL) throws -> T) throws -> T {
        try naming(doing) { try connection.transaction { c in try body(c) } }
    }

    /// A statement's failure says what the command was doing ("cannot record the run in PostgreSQL (…)"), as
    /// SQLite's do.
    func naming<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as MailroomError {
            let generic = "cannot run a statement"
            if e.message.hasPrefix(generic) { e.message = "cannot \(doing)" + e.message.dropFirst(generic.count) }
            throw e
        }
    }
}

extension PGStore {
    /// `mailroom contacts import` into PostgreSQL: `CRMStore.importContacts`'s rows and `contacts-import` run,
    /// written by `PGContacts.upsert` in one transaction. As on SQLite, a row already imported into its contact as
    /// it is now, or of a contact a standing merge deleted, is left out and counted unchanged; each row written is
    /// saved as its contact's `file_row`.
    public func importContacts(_ contacts: [Contact], runId: String, now: Date = Date()) throws -> ContactImportSummary {
        try connection.transaction { c in
            let todo = try PGContacts.notSkipped(c, contacts.map(CRMStore.storeNormalized))
            var summary = try PGContacts.upsert(c, todo)
            try PGContacts.saveFileRows(c, todo)
            summary.unchanged += contacts.count - todo.count
            try CRMStore.recordImport(c, runId: runId, contacts: contacts.count, summary, now: now)
            return summary
        }
    }
}
