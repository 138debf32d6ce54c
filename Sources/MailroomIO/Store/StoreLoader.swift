import Foundation
import GRDB
import Logging

/// Loads a run's records into the store in batches. Each batch's rows and the run's checkpoint commit in one
/// transaction; a rerun of the same run id continues after the last committed batch, and every row is an upsert
/// on a stable key, so any interrupted load converges to the same rows as a clean one.
public struct StoreLoader {
    /// The load's phases, in order; the checkpoint names the phase and how many of its records are committed.
    enum Phase: String, CaseIterable, Comparable {
        case contacts, threads, messages, links, done

        var index: Int { Phase.allCases.firstIndex(of: self)! }
        var next: Phase { Phase.allCases[min(index + 1, Phase.allCases.count - 1)] }
        static func < (a: Phase, b: Phase) -> Bool { a.index < b.index }
    }

    public let store: CRMStore
    public var options: LoadOptions
    public var fault: FaultHook
    public var now: @Sendable () -> Date
    /// Progress at debug level (one line per committed batch), resumption at info; no addresses or subjects.
    public var logger: Logger

    public init(store: CRMStore, options: LoadOptions = LoadOptions(), fault: FaultHook = .process,
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "mailroom.store")) {
        self.store = store
        self.options = options
        self.fault = fault
        self.now = now
        self.logger = logger
    }

    /// Loads `input` as run `run.runId`, holding the store's lock. Throws `.locked` when another process loads.
    public func load(_ run: LoadRunInfo, _ input: LoadInput) throws -> LoadSummary {
        let lock = try FileLock.acquire(path: CRMStore.lockPath(for: store.path), what: store.path, now: now())
        defer { lock.release() }
        let firstLoad = store.useRollbackJournalForFirstLoad()
        if firstLoad { logger.debug("first load: rollback journal", metadata: ["run.id": "\(run.runId)"]) }
        let summary: LoadSummary
        do {
            summary = try loadLocked(run, input)
        } catch let crash as SimulatedCrash {
            throw crash  // as a killed process would, it leaves the journal mode to the next open
        } catch {
            markFailed(run.runId, error)
            if firstLoad { returnToWAL(run.runId) }
            throw error
        }
        if firstLoad { returnToWAL(run.runId) }
        return summary
    }

    /// Back to WAL after a first load. Failing that, the store stays sound in the rollback journal and its
    /// next open switches it: a warning, not an error.
    private func returnToWAL(_ runId: String) {
        do {
            try store.returnToWAL()
        } catch {
            logger.warning("\(error)", metadata: ["run.id": "\(runId)"])
        }
    }

    private func loadLocked(_ run: LoadRunInfo, _ input: LoadInput) throws -> LoadSummary {
        // Only a store that held copies before can hold copy rows under earlier mbox ids, and only a load that
        // brings mbox copies (ids of `MboxCopyIdentity`) can supersede them: other loads (an IMAP sync) skip
        // the scan of every copy row that removing them takes.
        let hadCopies = try store.read("read the store") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM message_copies)") ?? false
        }
        var supersedes = false
        let resume = try begin(run)
        try fault.hit("load.start")
        var s = LoadSummary(runId: run.runId)
        if resume != (.contacts, 0) {
            s.resumedFrom = "\(resume.phase.rawValue):\(resume.position)"
            logger.info("load resumed from its checkpoint", metadata: ["run.id": "\(run.runId)",
                                                                     "load.checkpoint": "\(s.resumedFrom!)"])
        }
        let state = LoadState(runId: run.runId, options: options)

        s.contacts = try runPhase(run.runId, .contacts, input.contacts, resume, observe: { _ in }) { db in
            let upserter = try CRMStore.ContactUpserter(db)
            return { c in
                var counts = ContactImportSummary()  // the load reports contacts by count of records
                try upserter.upsert(c, into: &counts)
            }
        }
        s.threads = try runPhase(run.runId, .threads, input.threads, resume, observe: { t in
            // Only the messages phase reads it: a load resumed past it does not build it.
            if resume.phase <= .messages {
                state.threadOf.add(thread: t.threadId, keys: t.messageKeys)
                state.joinedBySubject.formUnion(t.subjectJoins)
            }
        }, writer: state.threadWriter)
        s.messages = try runPhase(run.runId, .messages, input.messages, resume, observe: { m in
            s.copies += m.copies.count
            if hadCopies && !supersedes {
                supersedes = m.copies.contains { MboxCopyIdentity.digest(copyId: $0.copyId) != nil }
            }
            state.observe(m)
        }, writer: state.messageWriter)
        state.threadOf = ThreadOfKey()  // only messages need it: freed before the links and the index build
        HeapTrim.returnFreedMemory()
        s.links = try runPhase(run.runId, .links, input.links, resume, observe: { l in
            if !l.ambiguous.isEmpty { s.ambiguousLinks += 1 }
        }, writer: state.linkWriter)

        s = try finish(run, s, legacyCopies: supersedes)
        try fault.hit("load.finish.afterCommit")
        return s
    }

    /// Starts the run (or picks up its checkpoint when an earlier load of the same run id did not finish).
    private func begin(_ run: LoadRunInfo) throws -> (phase: Phase, position: Int) {
        let stamp = FileLock.isoUTC(now())
        return try store.write("start the load") { db in
            // Holding the lock, any other run still marked running was interrupted (killed, crashed, disk full).
            try db.execute(sql: """
                UPDATE runs SET status = 'failed',
                    message = 'interrupted before it finished; rerun its load to finish it, or load a new run'
                WHERE status = 'running' AND id <> ?
                """, arguments: [run.runId])
            // Resume only an unfinished load of the same input; otherwise start over (every row is an upsert).
            if let r = try Row.fetchOne(db, sql: "SELECT phase, position, input FROM checkpoints WHERE run_id = ?",
                                        arguments: [run.runId]),
               let p = Phase(rawValue: r["phase"]), p != .done, (r["input"] as String) == run.inputFingerprint {
                try db.execute(sql: "UPDATE runs SET status = 'running', finished_at = NULL, error_code = NULL WHERE id = ?",
                               arguments: [run.runId])
                return (p, r["position"])
            }
            var w = JSONWriter()
            w.beginArray()
            for m in run.mailboxes { w.string(m) }
            w.endArray()
            try db.execute(sql: """
                INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status,
                                 counts, message)
                VALUES (?, 'load', ?, ?, ?, ?, NULL, 'running', '{}', 'loading')
                ON CONFLICT(id) DO UPDATE SET kind = 'load', window_start = excluded.window_start,
                    window_end = excluded.window_end, mailboxes = excluded.mailboxes,
                    started_at = excluded.started_at, finished_at = NULL, status = 'running',
                    counts = '{}', message = 'loading'
                """, arguments: [run.runId, run.windowStart, run.windowEnd, String(decoding: w.bytes, as: UTF8.self),
                                 stamp])
            for m in run.mailboxes {
                try db.execute(sql: "INSERT OR IGNORE INTO mailboxes(name) VALUES (?)", arguments: [m])
            }
            // Into an empty store, the large tables' secondary indexes are built after the rows (`finish`);
            // otherwise those an interrupted load into an empty store left unbuilt are built now.
            if try !StoreSchema.dropDeferredIndexesIfEmpty(db) { try StoreSchema.createMissingIndexes(db) }
            try db.execute(sql: """
                INSERT INTO checkpoints(run_id, phase, position, input, updated_at) VALUES (?, 'contacts', 0, ?, ?)
                ON CONFLICT(run_id) DO UPDATE SET phase = 'contacts', position = 0, input = excluded.input,
                    updated_at = excluded.updated_at
                """, arguments: [run.runId, run.inputFingerprint, stamp])
            return (.contacts, 0)
        }
    }

    /// Reads every record of a phase (so counts and in-memory maps are whole), skips those an earlier attempt
    /// committed, and writes the rest as they arrive, committing every `batchSize` records with the checkpoint:
    /// no batch of records is held in memory, only SQLite's page cache. Returns the number of records.
    private func runPhase<R>(_ runId: String, _ phase: Phase, _ source: RecordSource<R>,
                             _ resume: (phase: Phase, position: Int),
                             observe: (R) throws -> Void,
                             writer: (Database) throws -> (R) throws -> Void) throws -> Int {
        let skip = phase < resume.phase ? Int.max : (phase == resume.phase ? resume.position : 0)
        var count = 0
        try store.writeInTransactions("load \(phase.rawValue) into the store") { db in
            let apply = try writer(db)
            var pending = 0
            func commit(position: Int, phaseDone: Bool) throws {
                // Only `finish` marks the load done: a load stopped there (building the deferred indexes)
                // resumes after the last link, not from the first record.
                let moveOn = phaseDone && phase.next != .done
                try saveCheckpoint(db, runId, moveOn ? phase.next : phase, moveOn ? 0 : position)
                try fault.hit("load.batch.beforeCommit")
                try db.commit()
                try fault.hit("load.batch.afterCommit")
                try Interrupt.check(.load)  // committed with its checkpoint: `stage load` resumes after it
                logger.debug("load batch committed", metadata: ["run.id": "\(runId)",
                                                                "load.phase": "\(phase.rawValue)",
                                                                "load.position": "\(position)",
                                                                "load.batch": "\(pending)"])
                pending = 0
            }
            try source.forEachPrefetched { r in
                try observe(r)
                count += 1
                if count <= skip { return }
                if pending == 0 { try db.beginTransaction(.immediate) }
                try apply(r)
                pending += 1
                if pending == options.batchSize { try commit(position: count, phaseDone: false) }
            }
            if skip != Int.max {
                if pending == 0 { try db.beginTransaction(.immediate) }
                try commit(position: count, phaseDone: true)
            }
        }
        return count
    }

    private func finish(_ run: LoadRunInfo, _ s0: LoadSummary, legacyCopies: Bool) throws -> LoadSummary {
        var s = s0
        let stamp = FileLock.isoUTC(now())
        return try store.write("finish the load") { db in
            s.contactsCreated = try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts WHERE created_run = ?",
                                                 arguments: [run.runId]) ?? 0
            s.threadsHeldInternal = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM threads WHERE visibility = 'internal' AND proposed_class <> 'internal-only'
                """) ?? 0
            try db.execute(sql: """
                UPDATE runs SET status = 'ok', finished_at = ?, counts = ?, message = ?, error_code = NULL WHERE id = ?
                """, arguments: [stamp, s.countsJSON, s.message, run.runId])
            try StoreSchema.createMissingIndexes(db)
            if legacyCopies { try StoreLoader.removeSupersededOffsetCopies(db) }
            try saveCheckpoint(db, run.runId, .done, 0)
            for c in run.cursors { try CRMStore.saveCursor(db, c, now: now()) }
            try fault.hit("load.finish")
            return s
        }
    }

    private func saveCheckpoint(_ db: Database, _ runId: String, _ phase: Phase, _ position: Int) throws {
        try db.execute(sql: "UPDATE checkpoints SET phase = ?, position = ?, updated_at = ? WHERE run_id = ?",
                       arguments: [phase.rawValue, position, FileLock.isoUTC(now()), runId])
    }

    /// Records a failed load. The checkpoint stays, so a rerun continues. The load's own error is the one
    /// thrown; when the row cannot be marked too (the disk may be full), a warning says so, naming the run.
    private func markFailed(_ runId: String, _ error: Error) {
        let line = String(describing: error).replacingOccurrences(of: "\n", with: " ")
        do {
            try store.queue.write { db in
                try db.execute(sql: "UPDATE runs SET status = 'failed', finished_at = ?, message = ? WHERE id = ?",
                               arguments: [FileLock.isoUTC(now()), "failed: \(line)", runId])
            }
        } catch let markError {
            logger.warning("the failed load's run log row could not be marked failed: \(markError)",
                           metadata: ["run.id": "\(runId)"])
        }
    }
}
