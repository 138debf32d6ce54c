import Foundation
import GRDB

extension ReviewChecks {
    /// Each mailbox's window end: the latest window end of the loads (also syncs and backfills, which load) that
    /// included it and reached the store (finished or not: they have a checkpoint), else
    /// the date of its newest message.
    static func recentSent(_ db: Database) throws -> [ReviewFinding] {
        var windowEnd: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT mailboxes, window_end FROM runs WHERE kind IN ('load', 'sync', 'backfill')
                AND window_end IS NOT NULL AND id IN (SELECT run_id FROM checkpoints)
            """) {
            let end: String = r["window_end"]
            let names = (try? JSONParser.parse(Array((r["mailboxes"] as String).utf8)))?.arrayValue ?? []
            for case .string(let n) in names where (windowEnd[n] ?? "") < end { windowEnd[n] = end }
        }
        var out: [ReviewFinding] = []
        for mailbox in try String.fetchAll(db, sql: "SELECT name FROM mailboxes ORDER BY name") {
            let endText: String?
            if let e = windowEnd[mailbox] {
                endText = e
            } else {
                endText = try String.fetchOne(db, sql: """
                    SELECT max(m.date) FROM messages m JOIN message_copies c ON c.message_key = m.key
                    WHERE c.mailbox = ?
                    """, arguments: [mailbox])
            }
            guard let endText, let end = parseISO(endText) else { continue }
            let start = formatISO(end.addingTimeInterval(-7 * 86_400))
            let sent = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT m.key) FROM messages m JOIN message_copies c ON c.message_key = m.key
                WHERE c.mailbox = ? AND m.direction = 'sent' AND m.date >= ? AND m.date <= ?
                """, arguments: [mailbox, start, formatISO(end)]) ?? 0
            if sent == 0 {
                out.append(ReviewFinding(check: "recent-sent", severity: .warning,
                                         detail: "mailbox \(mailbox) has no sent messages between \(start) and "
                                            + "\(formatISO(end)): is its Sent folder missing from the source?",
                                         mailbox: mailbox))
            }
        }
        return out
    }

    /// Up to `sampleSize` matched customer threads, by thread id (a hash: a fixed, spread-out pick); for each,
    /// its earliest message with a participant linked to a contact (else its earliest message).
    static func sample(_ db: Database) throws -> [SpotCheck] {
        var out: [SpotCheck] = []
        for r in try Row.fetchAll(db, sql: """
            SELECT id FROM threads WHERE visibility = 'customer' AND class = 'matched' ORDER BY id LIMIT ?
            """, arguments: [sampleSize]) {
            let thread: String = r["id"]
            guard let m = try Row.fetchOne(db, sql: """
                SELECT m.key, m.subject, m.date FROM messages m WHERE m.thread_id = ?
                ORDER BY NOT EXISTS(SELECT 1 FROM participants p WHERE p.message_key = m.key
                                    AND p.contact_id IS NOT NULL),
                         m.date IS NULL, m.date, m.key LIMIT 1
                """, arguments: [thread]) else { continue }
            let key: String = m["key"]
            let sender = try String.fetchOne(db, sql: """
                SELECT address FROM participants WHERE message_key = ? AND role = 'from' ORDER BY address LIMIT 1
                """, arguments: [key])
            let recipient = try String.fetchOne(db, sql: """
                SELECT address FROM participants WHERE message_key = ? AND role IN ('to', 'cc', 'bcc')
                ORDER BY CASE role WHEN 'to' THEN 0 WHEN 'cc' THEN 1 ELSE 2 END, address LIMIT 1
                """, arguments: [key])
            out.append(SpotCheck(threadId: thread, sender: sender, recipient: recipient, subject: m["subject"],
                                 date: m["date"]))
        }
        return out
    }

    static func parseISO(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: s)
    }

    static func formatISO(_ d: Date) -> String { FileLock.isoUTC(d) }
}
