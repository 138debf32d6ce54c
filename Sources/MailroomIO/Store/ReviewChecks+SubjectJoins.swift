import Foundation

extension ReviewChecks {
    static let subjectJoinCheck = ReviewReport.subjectJoinCheck

    /// Every message stored as joined by subject (`messages.joined_by_subject`) must share an external
    /// participant (by match key, re-normalized here) with another message of its thread; otherwise two
    /// customers' conversations were merged on a subject alone. One failure per failing store, naming the first
    /// such thread (by id) and how many there are.
    static func subjectJoinStrangers(_ db: any StoreSQL) throws -> [ReviewFinding] {
        let joined = try db.rows("""
            SELECT key, thread_id FROM messages WHERE joined_by_subject = 1 ORDER BY thread_id, key
            """, [])
        guard !joined.isEmpty else { return [] }
        let externalOf = """
            SELECT address FROM participants WHERE message_key = ? AND is_internal = 0
            """
        let othersOf = """
            SELECT p.address FROM messages m JOIN participants p ON p.message_key = m.key
            WHERE m.thread_id = ? AND m.key <> ? AND p.is_internal = 0
            """
        var strangers: [(thread: String, message: String)] = []
        for r in joined {
            let (key, thread) = (r[0] ?? "", r[1] ?? "")
            let own = Set(try db.rows(externalOf, [key]).compactMap { $0[0].flatMap { keys($0)?.key } })
            let others = Set(try db.rows(othersOf, [thread, key]).compactMap { $0[0].flatMap { keys($0)?.key } })
            if own.isDisjoint(with: others), strangers.last?.thread != thread {
                strangers.append((thread, key))
            }
        }
        guard let first = strangers.first else { return [] }
        let more = strangers.count > 1 ? " (\(strangers.count) threads like this)" : ""
        return [ReviewFinding(check: subjectJoinCheck.0, severity: .failure,
                              detail: "thread \(first.thread): message \(first.message) joined it by subject but "
                                + "shares no external participant with its other messages\(more): two "
                                + "conversations merged on a subject alone; rerun match and load",
                              messageKey: first.message, threadId: first.thread)]
    }
}
