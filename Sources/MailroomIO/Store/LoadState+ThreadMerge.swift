import GRDB
import MailroomCore

/// One thread across workers. A worker threads only its own mail, so it can find another root for a conversation
/// than a worker that saw more of it (a reply whose client wrote only In-Reply-To names its parent, not the root).
/// Each stored thread records the ids it covers (`thread_ids`); a thread that shares one with another stored
/// thread is merged with it, and the survivor is chosen from the ids alone, never from the order of loads:
/// among the ids some load saw as a root and none saw with a parent, the one whose thread id is least; failing
/// that, the least over every root. Messages, ids and contact links move to the survivor (on a clash the least
/// rule), and its row combines theirs: internal if any is, otherwise the highest class, the widest dates and the
/// earliest message's subject. `thread_merges` remembers where each merged id went, for the messages phase.
extension LoadState {
    /// The statements that record a thread's ids, prepared once for the threads phase. An id is inserted; only
    /// when it is already stored (`changes` 0) is its holder read and its flags raised. One `INSERT … RETURNING`
    /// did both, but SQLite gathers a RETURNING statement's rows in a temporary table on every execution.
    struct ThreadIdStatements {
        let insert: IndexBoundStatement
        let raise: IndexBoundStatement
        let holder: IndexBoundStatement

        init(_ db: Database) throws {
            insert = try IndexBoundStatement(db, sql: """
                INSERT INTO thread_ids(id, thread_id, is_root, has_parent) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """)
            raise = try IndexBoundStatement(db, sql: """
                UPDATE thread_ids SET is_root = max(is_root, ?), has_parent = max(has_parent, ?) WHERE id = ?
                """)
            holder = try IndexBoundStatement(db, sql: "SELECT thread_id FROM thread_ids WHERE id = ?")
        }

        /// Records `id` for `threadId` (or raises the flags of the stored id); returns the thread that holds it.
        func record(_ id: String, threadId: String, isRoot: Int) throws -> String {
            insert.bind(1, id)
            insert.bind(2, threadId)
            insert.bind(3, isRoot)
            insert.bind(4, 1 - isRoot)
            if try insert.executeCountingChanges() == 1 { return threadId }
            raise.bind(1, isRoot)
            raise.bind(2, 1 - isRoot)
            raise.bind(3, id)
            try raise.execute()
            var held = threadId
            holder.bind(1, id)
            _ = try holder.first(columns: 1) { held = $0[0] ?? threadId }
            return held
        }
    }

    /// Records the ids of a thread just upserted, and merges it with every stored thread that holds one of them.
    func applyThreadIds(_ db: Database, _ t: ThreadRecord, _ statements: ThreadIdStatements) throws {
        guard let root = t.root, !t.ids.isEmpty else { return }
        var others: Set<String> = []
        for id in t.ids {
            let holder = try statements.record(id, threadId: t.threadId, isRoot: id == root ? 1 : 0)
            if holder != t.threadId { others.insert(holder) }
        }
        if !others.isEmpty { try mergeThreads(db, [t.threadId] + others.sorted()) }
    }

    /// The thread id each merged thread id now stands for (read once, when the messages phase starts).
    func loadRenamedThreads(_ db: Database) throws {
        renamedThreads = try Dictionary(Row.fetchAll(db, sql: "SELECT loser, survivor FROM thread_merges").map {
            ($0[0] as String, $0[1] as String)
        }, uniquingKeysWith: { a, _ in a })
    }

    private func mergeThreads(_ db: Database, _ group: [String]) throws {
        let marks = "(" + group.map { _ in "?" }.joined(separator: ", ") + ")"
        let args = StatementArguments(group)
        var free: [String] = []
        var all: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, has_parent FROM thread_ids WHERE is_root = 1 AND thread_id IN \(marks)",
                                    arguments: args) {
            let d = ThreadBuilder.threadId(rootId: row[0])
            all.append(d)
            if (row[1] as Int) == 0 { free.append(d) }
        }
        guard let survivor = free.min() ?? all.min() else { return }
        let rows = try Row.fetchAll(db, sql: """
            SELECT visibility, class, proposed_class, subject, first_date, last_date FROM threads WHERE id IN \(marks)
            """, arguments: args)
        guard !rows.isEmpty else { return }
        let isInternal = rows.contains { ($0["visibility"] as String) == "internal" }
        var cls = "internal-only", proposed = "internal-only"
        var first: String?, last: String?
        for r in rows {
            cls = Self.higher(cls, r["class"])
            proposed = Self.higher(proposed, r["proposed_class"])
            first = Self.minDate(first, r["first_date"])
            last = Self.maxDate(last, r["last_date"])
        }
        // The subject of the earliest first message (undated last), the least on a tie.
        let earliest = rows.map { (first: $0["first_date"] as String?, subject: $0["subject"] as String) }.min { a, b in
            switch (a.first, b.first) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.subject < b.subject
            }
        }!
        try db.execute(sql: """
            INSERT INTO threads(id, visibility, class, proposed_class, subject, first_date, last_date)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET visibility = excluded.visibility, class = excluded.class,
                proposed_class = excluded.proposed_class, subject = excluded.subject,
                first_date = excluded.first_date, last_date = excluded.last_date
            """, arguments: [survivor, isInternal ? "internal" : "customer", isInternal ? "internal-only" : cls, proposed,
                             earliest.subject, first, last])
        let losers = group.filter { $0 != survivor }
        if !losers.isEmpty {
            let lm = "(" + losers.map { _ in "?" }.joined(separator: ", ") + ")"
            let la = StatementArguments(losers)
            let moved = StatementArguments([survivor]) + la
            try db.execute(sql: "UPDATE messages SET thread_id = ? WHERE thread_id IN \(lm)", arguments: moved)
            try db.execute(sql: "UPDATE thread_ids SET thread_id = ? WHERE thread_id IN \(lm)", arguments: moved)
            try db.execute(sql: """
                INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
                SELECT ?, contact_id, address, rule FROM thread_contacts WHERE thread_id IN \(lm) ORDER BY rule
                ON CONFLICT(thread_id, contact_id, address) DO UPDATE SET rule = min(rule, excluded.rule)
                """, arguments: moved)
            try db.execute(sql: "DELETE FROM thread_contacts WHERE thread_id IN \(lm)", arguments: la)
            try db.execute(sql: "DELETE FROM threads WHERE id IN \(lm)", arguments: la)
            try db.execute(sql: "UPDATE thread_merges SET survivor = ? WHERE survivor IN \(lm)", arguments: moved)
            for l in losers {
                try db.execute(sql: """
                    INSERT INTO thread_merges(loser, survivor) VALUES (?, ?)
                    ON CONFLICT(loser) DO UPDATE SET survivor = excluded.survivor
                    """, arguments: [l, survivor])
            }
            try db.execute(sql: "DELETE FROM thread_merges WHERE loser = ?", arguments: [survivor])
        }
        if isInternal { try db.execute(sql: "DELETE FROM thread_contacts WHERE thread_id = ?", arguments: [survivor]) }
    }
}
