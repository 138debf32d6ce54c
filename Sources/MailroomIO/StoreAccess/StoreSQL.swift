import Foundation
import GRDB

/// A value bound to a `StoreSQL` statement: text or a 64-bit integer (nil is NULL).
public protocol StoreArgument {
    /// The value as PostgreSQL receives it (text format).
    var storeText: String { get }
    /// The value as SQLite binds it.
    var storeDatabaseValue: DatabaseValue { get }
}

extension String: StoreArgument {
    public var storeText: String { self }
    public var storeDatabaseValue: DatabaseValue { databaseValue }
}

extension Int: StoreArgument {
    public var storeText: String { String(self) }
    public var storeDatabaseValue: DatabaseValue { databaseValue }
}

extension Int64: StoreArgument {
    public var storeText: String { String(self) }
    public var storeDatabaseValue: DatabaseValue { databaseValue }
}

/// The statements both stores run for the commands around the load (run log, mailboxes, cursors, review): SQL
/// with `?` placeholders, in the dialect SQLite and PostgreSQL share (`ON CONFLICT … DO NOTHING`, `excluded`),
/// rows as text (`nil` for NULL; integers in decimal, booleans `1`/`0` or `t`/`f`: read them with `StoreSQL.flag`).
/// An SQLite `Database` (inside GRDB's transaction) and a `PGConnection` (inside `PGStore`'s) run them. Where the
/// dialects differ, a caller asks `isPostgres`.
public protocol StoreSQL {
    /// The rows of a query.
    func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[String?]]
    /// Runs a statement; returns the rows it changed.
    @discardableResult
    func exec(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> Int
    /// Whether this is PostgreSQL (else SQLite).
    var isPostgres: Bool { get }
}

extension StoreSQL {
    /// The first column of the first row (nil when NULL or there is no row).
    public func value(_ sql: String, _ arguments: [(any StoreArgument)?] = []) throws -> String? {
        try rows(sql, arguments).first?.first ?? nil
    }

    /// An integer answer (`count(*)`); 0 when NULL or absent.
    public func int(_ sql: String, _ arguments: [(any StoreArgument)?] = []) throws -> Int {
        Int(try value(sql, arguments) ?? "") ?? 0
    }

    /// Calls `body` with each row of a query, in order: SQLite steps a cursor (no row is kept), PostgreSQL reads the
    /// rows first.
    public func eachRow(_ sql: String, _ arguments: [(any StoreArgument)?] = [], _ body: ([String?]) throws -> Void) throws {
        if let db = self as? Database {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Database.bound(arguments))
            while let r = try cursor.next() { try body(r.databaseValues.map(Database.text)) }
        } else {
            for r in try rows(sql, arguments) { try body(r) }
        }
    }

    /// `group_concat(x, char(10))` in SQLite, `string_agg(x, chr(10))` in PostgreSQL.
    public func lines(_ expression: String) -> String {
        isPostgres ? "string_agg(\(expression), chr(10))" : "group_concat(\(expression), char(10))"
    }
}

/// Reading `StoreSQL` rows.
public enum StoreRow {
    /// A boolean read back from either store: SQLite's `1`/`0`, PostgreSQL's `t`/`f` (or its integers).
    public static func flag(_ v: String?) -> Bool {
        guard let v else { return false }
        return v == "t" || v == "true" || (Int(v) ?? 0) != 0
    }

    /// An integer column (0 when NULL).
    public static func int(_ v: String?) -> Int { Int(v ?? "") ?? 0 }
}

extension Database: StoreSQL {
    public func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[String?]] {
        // Cached: a statement run once per row of another query (the review's) is prepared once.
        try Row.fetchAll(cachedStatement(sql: sql), arguments: Self.bound(arguments)).map { row in
            row.databaseValues.map(Self.text)
        }
    }

    @discardableResult
    public func exec(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> Int {
        try execute(sql: sql, arguments: Self.bound(arguments))
        return changesCount
    }

    public var isPostgres: Bool { false }

    static func bound(_ arguments: [(any StoreArgument)?]) -> StatementArguments {
        StatementArguments(arguments.map { $0?.storeDatabaseValue ?? .null })
    }

    static func text(_ v: DatabaseValue) -> String? {
        switch v.storage {
        case .null: return nil
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        }
    }
}

extension PGConnection: StoreSQL {
    public func rows(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> [[String?]] {
        try execute(Self.numbered(sql), arguments.map { $0?.storeText }).rows
    }

    @discardableResult
    public func exec(_ sql: String, _ arguments: [(any StoreArgument)?]) throws -> Int {
        try execute(Self.numbered(sql), arguments.map { $0?.storeText }).affected
    }

    public var isPostgres: Bool { true }

    /// `?` placeholders as PostgreSQL's `$1`, `$2`, … (none of the shared statements has a `?` in a literal).
    static func numbered(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var out = ""
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
