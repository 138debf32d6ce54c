import CPQShim
import Foundation

/// One connection to a PostgreSQL server through libpq (the `CPQShim` C shim). Every call blocks the calling thread
/// until the server answers: the pipeline calls it from its own (synchronous) thread, never from Swift's
/// cooperative pool. One thread at a time uses a connection. Closed by `close()` or when released; the server then
/// drops the session's advisory locks.
public final class PGConnection {
    private var conn: UnsafeMutableRawPointer?
    /// Where the connection goes, for messages (never the password).
    public let target: PGTarget
    /// The SQLSTATE of the last statement that failed on this connection (`23505`, `40P01`, …), nil when it had
    /// none or none failed yet. A later statement that succeeds (a `ROLLBACK`) leaves it as it is.
    public private(set) var lastSQLState: String?

    init(handle: UnsafeMutableRawPointer, target: PGTarget) {
        conn = handle
        self.target = target
    }

    deinit { close() }

    /// libpq's version as MMmmmm (15.18 is 150018).
    public static var libraryVersion: Int { Int(mr_pq_lib_version()) }

    /// The server's version as MMmmmm; 0 once closed.
    public var serverVersion: Int { conn.map { Int(mr_pq_server_version($0)) } ?? 0 }

    /// Whether the connection is encrypted (TLS).
    public var usesTLS: Bool { conn.map { mr_pq_ssl_in_use($0) != 0 } ?? false }

    public var isOpen: Bool { conn != nil }

    /// Ends the session (the server releases its locks and rolls back an open transaction). A healthy session's
    /// advisory locks (the load and command locks, `PGLoadLock`) are released first and at once: the server drops
    /// them only as its backend exits, some time after the client has gone, and a worker started the moment this
    /// one ended would be refused meanwhile.
    public func close() {
        if let c = conn {
            if mr_pq_connected(c) != 0 { mr_pq_clear(mr_pq_exec(c, "SELECT pg_advisory_unlock_all()", 0, nil)) }
            mr_pq_finish(c)
        }
        conn = nil
    }

    /// Connects with libpq's keyword/value form (`PQconnectdbParams`): the password is handed over in memory only,
    /// never in a connection string, argv or the environment. What `settings` leaves out libpq takes from the
    /// `PG*` variables and `~/.pgpass`. Failures name host, port, database and user (`PGConnection+Errors`).
    public static func connect(_ settings: PostgresSettings, password: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PGConnection {
        let pairs = settings.connectionKeywords(password: password, environment: environment)
        let keys: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.0) } + [nil]
        let values: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.1) } + [nil]
        defer {
            for k in keys { free(k) }
            for v in values {
                // Wipe the copies (the password among them) before freeing them.
                if let v { memset(v, 0, strlen(v)) }
                free(v)
            }
        }
        let handle = keys.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in
                        mr_pq_connect(kp, vp)
                    }
                }
            }
        }
        let target = PGTarget(handle: handle, settings: settings)
        guard let handle, mr_pq_connected(handle) != 0 else {
            let message = String(cString: mr_pq_error_message(handle))
            mr_pq_finish(handle)
            throw PGErrors.connectFailed(message, target: target)
        }
        return PGConnection(handle: handle, target: target)
    }

    /// Runs one statement with parameters (`$1`, `$2`, … in `sql`; `nil` is NULL), all in text format, and
    /// returns its rows (none for a command). Parameter values are normalized by `StoreText` (no NUL can reach
    /// libpq, which would cut the value short). A failure names the server's message and SQLSTATE, never the
    /// parameters.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PGRows {
        let result = try run(sql, parameters)
        defer { mr_pq_clear(result) }
        switch mr_pq_result_status(result) {
        case MR_PQ_COMMAND_OK, MR_PQ_TUPLES_OK:
            return PGRows(result: result)
        case MR_PQ_COPY_IN:
            // A COPY sent to `execute`: end it so the connection stays usable.
            _ = mr_pq_put_copy_end(conn, "COPY must go through copyIn")
            drainResults()
            throw MailroomError(.internalError, "a COPY statement was sent to execute; use copyIn", location: target.location)
        default:
            throw failure(result, doing: "run a statement")
        }
    }

    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` when it returns, `ROLLBACK` when it throws (the
    /// error is rethrown).
    public func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if conn != nil { _ = try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    /// Sends the statement; the result is never nil (libpq's out-of-memory case becomes an error).
    func run(_ sql: String, _ parameters: [String?]) throws -> UnsafeMutableRawPointer {
        guard let conn else { throw MailroomError(.internalError, "the PostgreSQL connection is closed", location: target.location) }
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup(StoreText.normalized($0)) } }
        defer { for v in values { free(v) } }
        let result = values.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: UnsafePointer<CChar>?.self) { p in
                mr_pq_exec(conn, sql, Int32(p.count), p.baseAddress)
            }
        }
        guard let result else {
            throw PGErrors.queryFailed(message: String(cString: mr_pq_error_message(conn)), sqlState: "",
                                       connectionLost: mr_pq_connected(conn) == 0, doing: "run a statement", target: target)
        }
        return result
    }

    /// The error of a failed result, recorded in `lastSQLState`.
    func failure(_ result: UnsafeMutableRawPointer, doing: String) -> MailroomError {
        let state = String(cString: mr_pq_result_sqlstate(result))
        lastSQLState = state.isEmpty ? nil : state
        var message = String(cString: mr_pq_result_primary(result))
        if message.isEmpty { message = String(cString: mr_pq_result_error(result)) }
        let lost = conn.map { mr_pq_connected($0) == 0 } ?? true
        return PGErrors.queryFailed(message: message, sqlState: state, connectionLost: lost, doing: doing, target: target)
    }

    /// Reads and frees every pending result (after a COPY), returning the first failure.
    @discardableResult
    func drainResults() -> UnsafeMutableRawPointer? {
        var failed: UnsafeMutableRawPointer?
        while let conn, let r = mr_pq_get_result(conn) {
            if failed == nil, mr_pq_result_status(r) == MR_PQ_ERROR { failed = r } else { mr_pq_clear(r) }
        }
        return failed
    }

    var handle: UnsafeMutableRawPointer? { conn }
}
