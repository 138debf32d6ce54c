import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// Adds (or replaces, by id) a run log row inside the caller's transaction.
    public static func recordRun(_ db: Database, _ e: RunLogEntry) throws {
        var w = JSONWriter()
        w.beginArray()
        for m in e.mailboxes { w.string(m) }
        w.endArray()
        let mailboxes = String(decoding: w.bytes, as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts,
                             message, cursor_before, cursor_after, throttled, error_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, window_start = excluded.window_start,
                window_end = excluded.window_end, mailboxes = excluded.mailboxes, started_at = excluded.started_at,
                finished_at = excluded.finished_at, status = excluded.status, counts = excluded.counts,
                message = excluded.message, cursor_before = excluded.cursor_before,
                cursor_after = excluded.cursor_after, throttled = excluded.throttled, error_code = excluded.error_code
            """, arguments: [e.id, e.kind.rawValue, e.windowStart, e.windowEnd, mailboxes, e.startedAt, e.finishedAt,
                             e.status.rawValue, RunLogEntry.countsJSON(e.counts), e.message,
                             RunLogEntry.cursorsJSON(e.cursorBefore), RunLogEntry.cursorsJSON(e.cursorAfter),
                             e.throttled, e.errorCode])
    }

    /// Adds (or replaces, by id) a run log row in its own transaction.
    public func recordRun(_ e: RunLogEntry) throws {
        try write("record the run") { db in try CRMStore.recordRun(db, e) }
    }

    /// One run by id.
    public func run(id: String) throws -> RunLogEntry? {
        try read("read the run log") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(CRMStore.runEntry)
        }
    }

    /// The run log, newest first; `mailbox` keeps the runs that name it; `limit` caps the rows.
    public func runs(mailbox: String? = nil, limit: Int? = nil) throws -> [RunLogEntry] {
        try read("read the run log") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC")
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

    /// The newest finished sync, backfill or load that covered `mailbox` (its "last sync").
    public static func lastSync(_ db: Database, mailbox: String) throws -> RunLogEntry? {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM runs WHERE kind IN ('sync', 'backfill', 'load') AND status <> 'running'
            ORDER BY started_at DESC, rowid DESC
            """)
        return rows.lazy.map(CRMStore.runEntry).first { $0.mailboxes.contains(mailbox) }
    }

    static func runEntry(_ r: Row) -> RunLogEntry {
        RunLogEntry(id: r["id"], kind: RunLogEntry.Kind(rawValue: r["kind"]) ?? .load,
                    windowStart: r["window_start"], windowEnd: r["window_end"],
                    mailboxes: RunLogEntry.parseStrings(r["mailboxes"]), startedAt: r["started_at"],
                    finishedAt: r["finished_at"], status: RunLogEntry.Status(rawValue: r["status"]) ?? .failed,
                    counts: RunLogEntry.parseCounts(r["counts"]), message: r["message"],
                    cursorBefore: RunLogEntry.parseCursors(r["cursor_before"]),
                    cursorAfter: RunLogEntry.parseCursors(r["cursor_after"]), throttled: r["throttled"] ?? 0,
                    errorCode: r["error_code"])
    }
}
