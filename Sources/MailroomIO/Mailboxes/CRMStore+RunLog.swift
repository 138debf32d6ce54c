import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// Adds (or replaces, by id) a run log row inside the caller's transaction.
    public static func recordRun(_ db: any StoreSQL, _ e: RunLogEntry) throws {
        var w = JSONWriter()
        w.beginArray()
        for m in e.mailboxes { w.string(m) }
        w.endArray()
        let mailboxes = String(decoding: w.bytes, as: UTF8.self)
        try db.exec("""
            INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts,
                             message, cursor_before, cursor_after, throttled, error_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, window_start = excluded.window_start,
                window_end = excluded.window_end, mailboxes = excluded.mailboxes, started_at = excluded.started_at,
                finished_at = excluded.finished_at, status = excluded.status, counts = excluded.counts,
                message = excluded.message, cursor_before = excluded.cursor_before,
                cursor_after = excluded.cursor_after, throttled = excluded.throttled, error_code = excluded.error_code
            """, [e.id, e.kind.rawValue, e.windowStart, e.windowEnd, mailboxes, e.startedAt, e.finishedAt,
                  e.status.rawValue, RunLogEntry.countsJSON(e.counts), e.message,
                  RunLogEntry.cursorsJSON(e.cursorBefore), RunLogEntry.cursorsJSON(e.cursorAfter),
                  e.throttled, e.errorCode])
    }

    /// The columns `runEntry` reads, in its order.
    static let runColumns = """
        id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts, message,
        cursor_before, cursor_after, throttled, error_code
        """

    /// Newest first. Runs started in the same second: SQLite's last inserted first (`rowid`); PostgreSQL has no
    /// rowid, so the last written first (`xmin`, the transaction that wrote the row's current version: a row
    /// rewritten later, as a run the run log completes, counts from then).
    static func newestFirst(_ db: any StoreSQL) -> String {
        db.isPostgres ? "ORDER BY started_at DESC, xmin::text::bigint DESC, id DESC" : "ORDER BY started_at DESC, rowid DESC"
    }

    /// One run by id, inside the caller's transaction.
    public static func run(_ db: any StoreSQL, id: String) throws -> RunLogEntry? {
        try db.rows("SELECT \(runColumns) FROM runs WHERE id = ?", [id]).first.map(CRMStore.runEntry)
    }

    /// The newest finished sync, backfill or load that covered `mailbox` (its "last sync").
    public static func lastSync(_ db: any StoreSQL, mailbox: String) throws -> RunLogEntry? {
        let rows = try db.rows("""
            SELECT \(runColumns) FROM runs WHERE kind IN ('sync', 'backfill', 'load') AND status <> 'running'
            \(newestFirst(db))
            """, [])
        return rows.lazy.map(CRMStore.runEntry).first { $0.mailboxes.contains(mailbox) }
    }

    static func runEntry(_ r: [String?]) -> RunLogEntry {
        RunLogEntry(id: r[0] ?? "", kind: RunLogEntry.Kind(rawValue: r[1] ?? "") ?? .load,
                    windowStart: r[2], windowEnd: r[3],
                    mailboxes: RunLogEntry.parseStrings(r[4] ?? "[]"), startedAt: r[5] ?? "",
                    finishedAt: r[6], status: RunLogEntry.Status(rawValue: r[7] ?? "") ?? .failed,
                    counts: RunLogEntry.parseCounts(r[8] ?? "{}"), message: r[9] ?? "",
                    cursorBefore: RunLogEntry.parseCursors(r[10]),
                    cursorAfter: RunLogEntry.parseCursors(r[11]), throttled: StoreRow.int(r[12]),
                    errorCode: r[13])
    }
}

/// The run log, in either store.
extension MailroomStore {
    /// Adds (or replaces, by id) a run log row in its own transaction.
    public func recordRun(_ e: RunLogEntry) throws {
        try writeSQL("record the run") { db in try CRMStore.recordRun(db, e) }
    }

    /// One run by id.
    public func run(id: String) throws -> RunLogEntry? {
        try readSQL("read the run log") { db in try CRMStore.run(db, id: id) }
    }

    /// The run log, newest first; `mailbox` keeps the runs that name it; `limit` caps the rows.
    public func runs(mailbox: String? = nil, limit: Int? = nil) throws -> [RunLogEntry] {
        try readSQL("read the run log") { db in
            let rows = try db.rows("SELECT \(CRMStore.runColumns) FROM runs \(CRMStore.newestFirst(db))", [])
            var out: [RunLogEntry] = []
            for r in rows {
                let e = CRMStore.runEntry(r)
                if let mailbox, !e.mailboxes.contains(mailbox) { continue }
                out.append(e)
                if let limit, out.count >= limit { break }
            }
            return out
        }
    }
}
