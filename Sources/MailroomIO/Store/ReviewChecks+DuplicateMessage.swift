import Foundation

extension ReviewChecks {
    static let duplicateMessageCheck = ReviewReport.duplicateMessageCheck

    /// One email stored as two or more message rows: the same Message-ID, the same date and the same sender (the
    /// From addresses, re-normalized to match keys). Dedupe makes such copies one message (a list's copy with a
    /// subject tag or footer included), so a row pair like this is a dedupe or load bug, or a hand edit; each
    /// row may sit in its own thread on the customer's timeline. Rows without a date are not compared. One
    /// failure names how many emails are affected and the first one (by Message-ID): its messages and threads.
    static func duplicateMessage(_ db: any StoreSQL) throws -> [ReviewFinding] {
        let rows = try db.rows("""
            SELECT m.message_id, m.date, m.key, m.thread_id,
                   (SELECT \(db.lines("p.address")) FROM participants p
                    WHERE p.message_key = m.key AND p.role = 'from') AS senders
            FROM messages m
            WHERE m.message_id IS NOT NULL AND m.date IS NOT NULL AND (m.message_id, m.date) IN (
                SELECT message_id, date FROM messages WHERE message_id IS NOT NULL AND date IS NOT NULL
                GROUP BY message_id, date HAVING count(*) > 1)
            ORDER BY m.message_id, m.date, m.key
            """, [])
        // (Message-ID, date, sender keys) → its rows (key, thread), in key order.
        var groups: [[String]: [(key: String, thread: String)]] = [:]
        var order: [[String]] = []
        for r in rows {
            let id: [String] = [r[0] ?? "", r[1] ?? "", CRMStore.sender(storedFrom: r[4])]
            if groups[id] == nil { order.append(id) }
            groups[id, default: []].append((r[2] ?? "", r[3] ?? ""))
        }
        let twice = order.filter { groups[$0]!.count > 1 }
        guard let first = twice.first, let rowsOfFirst = groups[first] else { return [] }
        let named = rowsOfFirst.map { "\($0.key) (thread \($0.thread))" }.joined(separator: ", ")
        let sender = first[2].isEmpty ? "no sender" : first[2]
        let more = twice.count > 1 ? " (\(twice.count) emails stored more than once; the first is named)" : ""
        return [ReviewFinding(check: duplicateMessageCheck.0, severity: .failure,
                              detail: "Message-ID \(first[0]) from \(sender) dated \(first[1]) is stored as "
                                + "\(rowsOfFirst.count) messages: \(named)\(more)",
                              messageKey: rowsOfFirst[1].key, threadId: rowsOfFirst[0].thread)]
    }
}
