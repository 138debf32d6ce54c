import Foundation

extension ReviewChecks {
    /// Each mailbox's window end: the latest window end of the loads (also syncs and backfills, which load) that
    /// included it and reached the store (finished or not: they have a checkpoint), else
    /// the date of its newest message.
    static func recentSent(_ db: any StoreSQL) throws -> [ReviewFinding] {
        var windowEnd: [String: String] = [:]
        for r in try db.rows("""
            SELECT mailboxes, window_end FROM runs WHERE kind IN ('load', 'sync', 'backfill')
                AND window_end IS NOT NULL AND id IN (SELECT run_id FROM checkpoints)
            """, []) {
            let end = r[1] ?? ""
            let names = (try? JSONParser.parse(Array((r[0] ?? "").utf8)))?.arrayValue ?? []
            for case .string(let n) in names where (windowEnd[n] ?? "") < end { windowEnd[n] = end }
        }
        var out: [ReviewFinding] = []
        for mailbox in try db.rows("SELECT name FROM mailboxes ORDER BY name", []).map({ $0[0] ?? "" }) {
            let endText: String?
            if let e = windowEnd[mailbox] {
                endText = e
            } else {
                endText = try db.value("""
                    SELECT max(m.date) FROM messages m JOIN message_copies c ON c.message_key = m.key
                    WHERE c.mailbox = ?
                    """, [mailbox])
            }
            guard let endText, let end = parseISO(endText) else { continue }
            let start = formatISO(end.addingTimeInterval(-7 * 86_400))
            let sent = try db.int("""
                SELECT count(DISTINCT m.key) FROM messages m JOIN message_copies c ON c.message_key = m.key
                WHERE c.mailbox = ? AND m.direction = 'sent' AND m.date >= ? AND m.date <= ?
                """, [mailbox, start, formatISO(end)])
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
    static func sample(_ db: any StoreSQL) throws -> [SpotCheck] {
        var out: [SpotCheck] = []
        for r in try db.rows("""
            SELECT id FROM threads WHERE visibility = 'customer' AND class = 'matched' ORDER BY id LIMIT ?
            """, [sampleSize]) {
            let thread = r[0] ?? ""
            guard let m = try db.rows("""
                SELECT m.key, m.subject, m.date FROM messages m WHERE m.thread_id = ?
                ORDER BY NOT EXISTS(SELECT 1 FROM participants p WHERE p.message_key = m.key
                                    AND p.contact_id IS NOT NULL),
                         m.date IS NULL, m.date, m.key LIMIT 1
                """, [thread]).first else { continue }
            let key = m[0] ?? ""
            let sender = try db.value("""
                SELECT address FROM participants WHERE message_key = ? AND role = 'from' ORDER BY address LIMIT 1
                """, [key])
            let recipient = try db.value("""
                SELECT address FROM participants WHERE message_key = ? AND role IN ('to', 'cc', 'bcc')
                ORDER BY CASE role WHEN 'to' THEN 0 WHEN 'cc' THEN 1 ELSE 2 END, address LIMIT 1
                """, [key])
            out.append(SpotCheck(threadId: thread, sender: sender, recipient: recipient, subject: m[1] ?? "",
                                 date: m[2]))
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
