import MailroomCore

/// `LoadState+ThreadMerge.swift` in PostgreSQL, for a whole threads batch at once: the ids each thread covers are
/// copied into `in_thread_ids` and upserted into `thread_ids` in one statement, whose answer is every pair (thread
/// of the batch, other stored thread holding one of its ids). Without such a pair (the common case) that is all.
/// Otherwise the pairs make groups (a batch thread, every stored thread sharing an id with it, and so on), each
/// group's survivor is chosen from the ids alone exactly as SQLite chooses it (among the roots no load saw with a
/// parent, the least thread id; failing that, the least over every root), and a fixed number of statements merge
/// every group: the survivor's row combines theirs, messages, ids and contact links move to it, the losers'
/// rows go and `thread_merges` records where each went.
///
/// Workers: the threads batch holds the store's thread lock (`lockThreads`, a transaction advisory lock)
/// exclusively from its first statement to its commit; messages and links batches hold it shared. So two workers
/// never merge at once, and no message is written into a thread while another worker merges it away: a
/// messages batch reads `thread_merges` (`mergeMessages`) after any merge before it committed, and a merge moves
/// every message committed before it.
extension PGLoadBatch {
    static let threadsLockKey = "mailroom-load-threads"

    static func lockThreads(_ c: PGConnection, shared: Bool) throws {
        try c.execute("SELECT pg_advisory_xact_lock\(shared ? "_shared" : "")(hashtextextended($1, 0))", [threadsLockKey])
    }

    /// A threads batch's ids (`prepareThreadIds`), ready for `writeThreadIds`.
    struct PreparedThreadIds {
        /// One line per (thread, id), for `in_thread_ids`: what `upsertThreadIds` reads.
        var staged: [UInt8]
        /// One line per distinct id, in the bytewise order of its id: the rows `upsertThreadIds` leaves while no id
        /// of the batch is stored (the least thread holding it, the greatest flags).
        var rows: [UInt8]
        /// `upsertThreadIds`' answer while no id of the batch is stored: (thread, least thread) for every id two
        /// threads of the batch share.
        var pairs: [(String, String)]
    }

    static let threadIdColumns = ["id", "thread_id", "is_root", "has_parent"]

    /// The ids the batch's threads cover, both as `in_thread_ids` lines and grouped by id as `thread_ids` rows,
    /// grouped as `upsertThreadIds` groups them: by the id's bytes (not by `String`'s equality, which joins
    /// canonically equivalent ids the store keeps apart), the least thread by its bytes (`COLLATE "C"`).
    static func prepareThreadIds(_ threads: [ThreadRecord]) -> PreparedThreadIds {
        var rows: [(id: String, thread: String, isRoot: Bool)] = []
        for t in threads {
            guard let root = t.root, !t.ids.isEmpty else { continue }
            for id in t.ids { rows.append((id, t.threadId, id == root)) }
        }
        let lines = PostgresCopy.encodeLines(rows.map { [$0.id, $0.thread, $0.isRoot ? "1" : "0", $0.isRoot ? "0" : "1"] })
        var grouped: [UInt8] = []
        grouped.reserveCapacity(lines.bytes.count)
        var pairs: Set<[String]> = []
        for (idField, group) in PostgresCopy.runsOfFirstField(lines.bytes, lines.ends) {
            let least = group.map { rows[$0].thread }.min { $0.utf8.lexicographicallyPrecedes($1.utf8) }!
            for r in group where rows[r].thread != least { pairs.insert([rows[r].thread, least]) }
            grouped.append(contentsOf: idField)
            PostgresCopy.appendRow([least, group.contains { rows[$0].isRoot } ? "1" : "0",
                                    group.contains { !rows[$0].isRoot } ? "1" : "0"], to: &grouped)
        }
        return PreparedThreadIds(staged: lines.bytes, rows: grouped, pairs: pairs.map { ($0[0], $0[1]) })
    }

    /// `LoadState.applyThreadIds` for a batch: its ids go into `thread_ids`, and threads sharing an id with a
    /// stored thread (or with another of the batch) are merged. While no id of the batch is stored (`freshFirst`),
    /// the grouped rows are copied straight into `thread_ids`, and the pairs are the batch's own.
    func writeThreadIds(_ p: PreparedThreadIds) throws {
        guard !p.staged.isEmpty else { return }
        let pairs = try freshFirst("thread_ids", fresh: {
            _ = try c.copyIn(table: "thread_ids", columns: Self.threadIdColumns, encoded: p.rows)
            return p.pairs
        }, upsert: {
            _ = try c.copyIn(table: "in_thread_ids", columns: Self.threadIdColumns, encoded: p.staged)
            return try c.execute(Self.upsertThreadIds).rows.compactMap { r -> (String, String)? in
                guard let a = r[0], let b = r[1] else { return nil }
                return (a, b)
            }
        })
        guard !pairs.isEmpty else { return }
        let groups = Self.groups(pairs)
        let members = groups.flatMap { $0 }
        var groupOf: [String: Int] = [:]
        for (i, g) in groups.enumerated() { for m in g { groupOf[m] = i } }
        var free = [[String]](repeating: [], count: groups.count)
        var all = [[String]](repeating: [], count: groups.count)
        for r in try c.execute("""
            SELECT thread_id, id, has_parent FROM thread_ids WHERE is_root = 1 AND thread_id = ANY($1::text[])
            """, [Self.arrayLiteral(members)]).rows {
            guard let holder = r[0], let id = r[1], let g = groupOf[holder] else { continue }
            let d = ThreadBuilder.threadId(rootId: id)
            all[g].append(d)
            if r[2] == "0" { free[g].append(d) }
        }
        var moves: [[String?]] = []
        for (i, g) in groups.enumerated() {
            guard let survivor = free[i].min() ?? all[i].min() else { continue }
            for m in g { moves.append([m, survivor]) }
        }
        guard !moves.isEmpty else { return }
        try copy("in_thread_groups", moves)
        for sql in Self.mergeThreadGroups { try c.execute(sql) }
    }

    /// The groups the pairs connect (each sorted, in the order of their least member).
    static func groups(_ pairs: [(String, String)]) -> [[String]] {
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        for (a, b) in pairs {
            if parent[a] == nil { parent[a] = a }
            if parent[b] == nil { parent[b] = b }
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var byRoot: [String: [String]] = [:]
        for m in parent.keys { byRoot[find(m), default: []].append(m) }
        return byRoot.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// `LoadState.ThreadIdStatements.record` for the batch: an id already stored keeps its thread and gains the flags; the
    /// answer is each (batch thread, other thread holding one of its ids). An id two threads of the batch share
    /// (it cannot happen within one match) goes to the least, and the pair joins them.
    static let upsertThreadIds = """
        WITH up AS (
            INSERT INTO thread_ids(id, thread_id, is_root, has_parent)
            SELECT id, min(thread_id), max(is_root), max(has_parent) FROM in_thread_ids GROUP BY id ORDER BY id
            ON CONFLICT (id) DO UPDATE SET is_root = GREATEST(thread_ids.is_root, excluded.is_root),
                                           has_parent = GREATEST(thread_ids.has_parent, excluded.has_parent)
            RETURNING id, thread_id)
        SELECT DISTINCT i.thread_id, up.thread_id FROM up JOIN in_thread_ids i ON i.id = up.id
        WHERE i.thread_id <> up.thread_id
        """

    private static func rank(_ x: String) -> String {
        "(CASE \(x) WHEN 'matched' THEN 2 WHEN 'unmatched' THEN 1 ELSE 0 END)"
    }

    private static let classOfRank = "(ARRAY['internal-only', 'unmatched', 'matched'])"

    /// `LoadState.mergeThreads` for every group of `in_thread_groups` (member → survivor; the survivor needs not
    /// be stored yet). The survivor's row: internal if any member is (and then `internal-only`), otherwise the
    /// highest class; the highest proposed class, the widest dates and the subject of the earliest first message
    /// (undated last, the least on a tie). Contact links move with the least rule on a clash, and an internal
    /// survivor keeps none.
    static let mergeThreadGroups = [
        """
        INSERT INTO threads(id, visibility, class, proposed_class, subject, first_date, last_date)
        SELECT g.survivor,
               CASE WHEN bool_or(t.visibility = 'internal') THEN 'internal' ELSE 'customer' END,
               CASE WHEN bool_or(t.visibility = 'internal') THEN 'internal-only'
                    ELSE \(classOfRank)[max(\(rank("t.class"))) + 1] END,
               \(classOfRank)[max(\(rank("t.proposed_class"))) + 1],
               (array_agg(t.subject ORDER BY t.first_date ASC NULLS LAST, t.subject))[1],
               min(t.first_date), max(t.last_date)
        FROM in_thread_groups g JOIN threads t ON t.id = g.member
        GROUP BY g.survivor ORDER BY g.survivor
        ON CONFLICT (id) DO UPDATE SET visibility = excluded.visibility, class = excluded.class,
            proposed_class = excluded.proposed_class, subject = excluded.subject,
            first_date = excluded.first_date, last_date = excluded.last_date
        """,
        """
        UPDATE messages m SET thread_id = g.survivor FROM in_thread_groups g
        WHERE m.thread_id = g.member AND g.member <> g.survivor
        """,
        """
        UPDATE thread_ids i SET thread_id = g.survivor FROM in_thread_groups g
        WHERE i.thread_id = g.member AND g.member <> g.survivor
        """,
        """
        INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
        SELECT g.survivor, tc.contact_id, tc.address, min(tc.rule) FROM thread_contacts tc
        JOIN in_thread_groups g ON tc.thread_id = g.member AND g.member <> g.survivor
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (thread_id, contact_id, address) DO UPDATE SET rule = LEAST(thread_contacts.rule, excluded.rule)
        """,
        """
        DELETE FROM thread_contacts tc USING in_thread_groups g WHERE tc.thread_id = g.member AND g.member <> g.survivor
        """,
        "DELETE FROM threads t USING in_thread_groups g WHERE t.id = g.member AND g.member <> g.survivor",
        """
        UPDATE thread_merges r SET survivor = g.survivor FROM in_thread_groups g
        WHERE r.survivor = g.member AND g.member <> g.survivor
        """,
        """
        INSERT INTO thread_merges(loser, survivor)
        SELECT member, survivor FROM in_thread_groups WHERE member <> survivor ORDER BY member
        ON CONFLICT (loser) DO UPDATE SET survivor = excluded.survivor
        """,
        "DELETE FROM thread_merges WHERE loser IN (SELECT survivor FROM in_thread_groups)",
        """
        DELETE FROM thread_contacts tc USING threads t
        WHERE tc.thread_id = t.id AND t.visibility = 'internal' AND t.id IN (SELECT survivor FROM in_thread_groups)
        """,
    ]
}
