import Foundation
import GRDB
import GRDBSQLite
import MailroomCore

/// One of GRDB's cached statements, its parameters bound by index and stepped through SQLite's C API, reused
/// for every row of the load's per-row upserts:
/// GRDB's `execute(arguments:)` builds an array of `DatabaseValue`s and validates it on every call, which cost
/// more than SQLite's own work per row. Values are stored as GRDB stores them (text as the string's UTF-8 with
/// `SQLITE_TRANSIENT`, integers as 64-bit, nil as NULL), so the stored rows are the same. Only the load and the
/// contacts import it shares use these SQL strings, always through this type, and every use binds every
/// parameter.
struct IndexBoundStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
    }

    /// Text is stored as `StoreText` normalizes it (a NUL becomes U+FFFD, as PostgreSQL stores it; bound with
    /// length -1 it would cut the value short): a `memchr` for a zero byte, then the value as it is.
    func bind(_ index: Int32, _ value: String?) {
        if let value {
            // Bound from the string's own UTF-8 with its length when it has no NUL (the same text as with
            // length -1, without making a C string of it first).
            let bound = value.utf8.withContiguousStorageIfAvailable { b -> Bool in
                guard let base = b.baseAddress, b.count <= Int(Int32.max), memchr(base, 0, b.count) == nil else {
                    return false
                }
                sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                  Int32(b.count), SQLITE_TRANSIENT_FAST)
                return true
            } ?? false
            if !bound {
                sqlite3_bind_text(handle, index, StoreText.normalized(value), -1, SQLITE_TRANSIENT_FAST)
            }
        } else {
            sqlite3_bind_null(handle, index)
        }
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Runs a statement that returns no rows.
    func execute() throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
        sqlite3_reset(handle)
    }

    /// Runs a statement that returns no rows; returns the rows it inserted, updated or deleted (`sqlite3_changes`:
    /// 0 for an insert its `ON CONFLICT DO NOTHING` skipped).
    func executeCountingChanges() throws -> Int {
        try execute()
        return Int(sqlite3_changes(connection))
    }

    /// Runs a query and calls `row` with the first row's text columns (nil for NULL); false when there is none.
    func first(columns: Int32, _ row: ([String?]) throws -> Void) throws -> Bool {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        if code == SQLITE_DONE { return false }
        guard code == SQLITE_ROW else { throw failure(code) }
        var values: [String?] = []
        values.reserveCapacity(Int(columns))
        for i in 0..<columns {
            values.append(sqlite3_column_text(handle, i).map { String(cString: $0) })
        }
        try row(values)
        return true
    }

    /// The error GRDB would throw for `code` (read before the reset that clears the connection's message).
    private func failure(_ code: Int32) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(connection))
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

/// `SQLITE_TRANSIENT` (SQLite copies the bound value), which the C macro cannot give Swift.
private let SQLITE_TRANSIENT_FAST = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
