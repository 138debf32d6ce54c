import Dispatch
import Foundation
import Logging
import MailroomCore

/// Loads a run's records into a PostgreSQL store, with `StoreLoader`'s phases, checkpoints and upsert semantics
/// (the same rows for the same input, so both stores' dumps agree). Each batch is copied (`COPY`) into temporary
/// staging tables and merged by `INSERT … SELECT … ON CONFLICT (natural key) DO UPDATE`, in one transaction with the
/// run's checkpoint. A record whose key is already in the open batch commits the batch first, so every merge sees
/// each key once and the result is the one of upserting the records in order, as SQLite does.
///
/// Many workers load at once (`PGLoadLock`): each holds a session advisory lock per mailbox it loads (per shard
/// with `--shard`); another worker of the same mailbox is refused at once (`.locked`), naming the holder. Merges
/// are upserts on natural keys, so the same message through two mailboxes is one row with two copies; a batch that
/// loses a race with another worker's transaction (deadlock, serialization failure, a unique key inserted meanwhile)
/// is rolled back whole and retried, a bounded number of times (`PGRetry`). Contacts are written under transaction
/// advisory locks (`PGLoadBatch.writeContacts`, `lockCreatedAddresses`), so no contact is ever created twice.
public struct PGStoreLoader {
    public let connection: PGConnection
    public var options: LoadOptions
    public var fault: FaultHook
    public var now: @Sendable () -> Date
    public var logger: Logger

    public init(connection: PGConnection, options: LoadOptions = LoadOptions(), fault: FaultHook = .process,
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "mailroom.store")) {
        self.connection = connection
        self.options = options
        self.fault = fault
        self.now = now
        self.logger = logger
    }

    /// Migrates the store when needed, then loads `input` as run `run.runId` holding the load lock.
    public func load(_ run: LoadRunInfo, _ input: LoadInput) throws -> LoadSummary {
        try connection.execute("SET client_min_messages = warning")  // no NOTICE for staging tables that exist
        try Self.tuneSession(connection)
        try PGSchema.migrate(connection)
        let held = try PGLoadLock.acquire(connection, runId: run.runId, mailboxes: run.mailboxes, shard: run.shard)
        defer { PGLoadLock.release(connection, held) }
        do {
            return try loadLocked(run, input)
        } catch let crash as SimulatedCrash {
            throw crash
        } catch {
            markFailed(run.runId, error)
            throw error
        }
    }

    /// Session settings of a load. `synchronous_commit = off`: a commit does not wait for its WAL flush, as
    /// SQLite's WAL with `synchronous = NORMAL` does not fsync a commit; a server crash can lose the last batches
    /// (never part of one), and since each batch commits with its checkpoint, a rerun redoes exactly those.
    /// `temp_buffers`: a batch's staging rows (5,000 messages with their snippets) stay in memory instead of
    /// spilling the temporary tables to disk; it can only be set before the session's first temporary table.
    static func tuneSession(_ c: PGConnection) throws {
        try c.execute("SET synchronous_commit = off")
        if try c.execute("SELECT to_regclass('pg_temp.in_messages') IS NULL").scalar == "t" {
            try c.execute("SET temp_buffers = '128MB'")
        }
    }

    private func loadLocked(_ run: LoadRunInfo, _ input: LoadInput) throws -> LoadSummary {
        let c = connection
        try PGLoadBatch.createStaging(c)
        let hadCopies = try c.execute("SELECT EXISTS(SELECT 1 FROM message_copies)").scalar == "t"
        var supersedes = false
        let resume = try PGRetry.batch("start", logger: logger, reset: {}) { try begin(run) }
        try fault.hit("load.start")
        var s = LoadSummary(runId: run.runId)
        if resume != (.contacts, 0) {
            s.resumedFrom = "\(resume.phase.rawValue):\(resume.position)"
            logger.info("load resumed from its checkpoint", metadata: ["run.id": "\(run.runId)",
                                                                     "load.checkpoint": "\(s.resumedFrom!)"])
        }
        let state = LoadState(runId: run.runId, options: options)
        let batch = PGLoadBatch(connection: c, state: state)

        let reset = { batch.forgetCaches() }
        // Each phase's batching thread starts reading once the phase before has read all of its records (its
        // `observe` saw them all), so that phase's last batches commit while the next one's first are built.
        let contacts = startPhase(.contacts, input.contacts, resume, after: nil, observe: { _ in },
                                  keys: { ["c:" + $0.id] }, prepare: { $0 })
        let threads = startPhase(.threads, input.threads, resume, after: contacts.read, observe: { t in
            if resume.phase <= .messages {
                state.threadOf.add(thread: t.threadId, keys: t.messageKeys)
                state.joinedBySubject.formUnion(t.subjectJoins)
            }
        }, keys: PGLoadBatch.keys, prepare: PGLoadBatch.prepareThreads)
        var copies = 0
        let messages = startPhase(.messages, input.messages, resume, after: threads.read, observe: { m in
            copies += m.copies.count
            if hadCopies && !supersedes {
                supersedes = m.copies.contains { MboxCopyIdentity.digest(copyId: $0.copyId) != nil }
            }
            state.observe(m)
        }, keys: PGLoadBatch.keys, waiting: 4, prepare: { try PGLoadBatch.prepareMessages($0, state: state) })
        var ambiguous = 0
        let links = startPhase(.links, input.links, resume, after: messages.read, observe: { l in
            if !l.ambiguous.isEmpty { ambiguous += 1 }
        }, keys: PGLoadBatch.keys, prepare: { [createSent = options.createContacts == .sent] in
            PGLoadBatch.prepareLinks($0, createSent: createSent)
        })
        defer {  // every channel first: a batching thread waiting for the phase before then stops at once
            contacts.ready.cancel(); threads.ready.cancel(); messages.ready.cancel(); links.ready.cancel()
            contacts.batcher.waitIgnoringResult(); threads.batcher.waitIgnoringResult()
            messages.batcher.waitIgnoringResult(); links.batcher.waitIgnoringResult()
        }

        s.contacts = try drain(run.runId, .contacts, contacts, reset: reset, write: batch.writeContacts)
        s.threads = try drain(run.runId, .threads, threads, reset: reset, write: batch.writeThreads)
        s.messages = try drain(run.runId, .messages, messages, reset: reset, write: batch.writeMessages)
        s.copies = copies
        state.threadOf = ThreadOfKey()
        s.links = try drain(run.runId, .links, links, reset: reset, write: batch.writeLinks)
        s.ambiguousLinks = ambiguous

        let counted = s
        s = try PGRetry.batch("finish", logger: logger, reset: {}) { try finish(run, counted, legacyCopies: supersedes) }
        try fault.hit("load.finish.afterCommit")
        return s
    }

    /// Starts the run, or picks up its checkpoint (as `StoreLoader.begin`). A `running` row of another run is
    /// marked failed only when no session holds that run's lock (its worker died); other workers' runs go on.
    private func begin(_ run: LoadRunInfo) throws -> (phase: StoreLoader.Phase, position: Int) {
        let stamp = FileLock.isoUTC(now())
        return try connection.transaction { c in
            try c.execute("""
                UPDATE runs SET status = 'failed',
                    message = 'interrupted before it finished; rerun its load to finish it, or load a new run'
                WHERE status = 'running' AND id <> $1 AND NOT EXISTS (
                    SELECT 1 FROM pg_locks l WHERE \(PGLoadLock.heldBy) = hashtextextended($2::text || runs.id, 0))
                """, [run.runId, PGLoadLock.runKey("")])
            let r = try c.execute("SELECT phase, position, input FROM checkpoints WHERE run_id = $1", [run.runId]).rows
            if let row = r.first, let p = StoreLoader.Phase(rawValue: row[0] ?? ""), p != .done, row[2] == run.inputFingerprint {
                try c.execute("UPDATE runs SET status = 'running', finished_at = NULL, error_code = NULL WHERE id = $1", [run.runId])
                return (p, Int(row[1] ?? "") ?? 0)
            }
            var w = JSONWriter()
            w.beginArray()
            for m in run.mailboxes { w.string(m) }
            w.endArray()
            try c.execute("""
                INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status,
                                 counts, message)
                VALUES ($1, 'load', $2, $3, $4, $5, NULL, 'running', '{}', 'loading')
                ON CONFLICT(id) DO UPDATE SET kind = 'load', window_start = excluded.window_start,
                    window_end = excluded.window_end, mailboxes = excluded.mailboxes,
                    started_at = excluded.started_at, finished_at = NULL, status = 'running',
                    counts = '{}', message = 'loading'
                """, [run.runId, run.windowStart, run.windowEnd, String(decoding: w.bytes, as: UTF8.self), stamp])
            for m in run.mailboxes {
                try c.execute("INSERT INTO mailboxes(name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [m])
            }
            // Into an empty store, indexes and foreign keys of the large tables come after the rows (`finish`).
            if try !PGSchema.dropDeferredIfEmpty(c) { try PGSchema.createMissingDeferred(c) }
            try c.execute("""
                INSERT INTO checkpoints(run_id, phase, position, input, updated_at) VALUES ($1, 'contacts', 0, $2, $3)
                ON CONFLICT(run_id) DO UPDATE SET phase = 'contacts', position = 0, input = excluded.input,
                    updated_at = excluded.updated_at
                """, [run.runId, run.inputFingerprint, stamp])
            return (.contacts, 0)
        }
    }

    /// A phase's records, read, cut into batches and prepared on a batching thread (`startPhase`), for `drain`
    /// to commit. `read` is signalled once the thread has read every record, or stopped.
    private struct PhaseBatches<P> {
        let ready: BatchChannel<ReadyBatch<P>>
        let batcher: JoinableThread<Int>
        let read: DispatchSemaphore
    }

    /// Starts a phase's batching thread: once `after` is signalled (the phase before has read its records), it
    /// reads every record of the phase (`observe` sees each, in order, on that thread), skips those an earlier
    /// attempt committed, cuts the rest into batches of `batchSize` records (fewer when a record's key is already
    /// in the batch), and `prepare`s each (the rows as far as they go without the store, encoded for COPY), one
    /// batch ahead of `drain`, which writes them in order on the caller's thread. So the next batch is built while
    /// the server merges this one, instead of the two taking turns. `prepare` and `observe` read and change only
    /// the load's own state, never the connection.
    private func startPhase<R, P>(_ phase: StoreLoader.Phase, _ source: RecordSource<R>,
                                  _ resume: (phase: StoreLoader.Phase, position: Int), after: DispatchSemaphore?,
                                  observe: @escaping (R) throws -> Void, keys: @escaping (R) -> [String],
                                  waiting: Int = 1, prepare: @escaping ([R]) throws -> P) -> PhaseBatches<P> {
        let skip = phase < resume.phase ? Int.max : (phase == resume.phase ? resume.position : 0)
        let ready = BatchChannel<ReadyBatch<P>>(capacity: waiting)
        let read = DispatchSemaphore(value: 0)
        let batchSize = options.batchSize
        let ahead = Self.prefetchChunks(batchSize)
        let batcher = JoinableThread<Int> {
            var count = 0
            var batch: [R] = []
            var batchKeys: Set<String> = []
            func ship(position: Int, phaseDone: Bool) throws {
                let prepared = batch.isEmpty ? nil : try prepare(batch)
                try ready.send([ReadyBatch(prepared: prepared, size: batch.count, position: position, phaseDone: phaseDone)])
                batch.removeAll(keepingCapacity: true)
                batchKeys.removeAll(keepingCapacity: true)
            }
            var signalled = false
            func readAll() {
                if !signalled { read.signal() }  // the next phase may start reading
                signalled = true
            }
            defer { readAll() }
            do {
                after?.wait()
                try ready.throwIfCancelled()
                try source.forEachPrefetched(ahead: ahead) { r in
                    try observe(r)
                    count += 1
                    if count <= skip { return }
                    let k = keys(r)
                    if k.contains(where: batchKeys.contains) { try ship(position: count - 1, phaseDone: false) }
                    batchKeys.formUnion(k)
                    batch.append(r)
                    if batch.count == batchSize { try ship(position: count, phaseDone: false) }
                }
                readAll()
                if skip != Int.max { try ship(position: count, phaseDone: true) }
                ready.finish()
            } catch is BatchChannel<ReadyBatch<P>>.Cancelled {
                ready.finish()
            } catch {
                ready.finish(error: error)
            }
            return count
        }
        return PhaseBatches(ready: ready, batcher: batcher, read: read)
    }

    /// Commits a phase's batches in order, each in its transaction with the checkpoint (`commit`), and returns
    /// the phase's record count. A batch's retry (`PGRetry`) writes the same prepared rows again.
    private func drain<P>(_ runId: String, _ phase: StoreLoader.Phase, _ batches: PhaseBatches<P>,
                          reset: () -> Void, write: (P) throws -> Void) throws -> Int {
        while let items = try batches.ready.receive() {
            for b in items { try commit(runId, phase, b, reset: reset, write: write) }
            batches.ready.giveBack(items)  // freed on the batching thread
        }
        return try batches.batcher.wait()
    }

    /// A batch cut and prepared by a phase's batching thread (`startPhase`)'s batching thread: `size` records (none for the phase's last,
    /// checkpoint-only commit), to commit with the checkpoint at `position`.
    private struct ReadyBatch<P> {
        var prepared: P?
        var size: Int
        var position: Int
        var phaseDone: Bool
    }

    private func commit<P>(_ runId: String, _ phase: StoreLoader.Phase, _ b: ReadyBatch<P>, reset: () -> Void,
                           write: (P) throws -> Void) throws {
        let moveOn = b.phaseDone && phase.next != .done
        try PGRetry.batch("\(phase.rawValue) up to \(b.position)", logger: logger, reset: reset) {
            try connection.transaction { c in
                if let p = b.prepared { try write(p) }
                try saveCheckpoint(runId, moveOn ? phase.next : phase, moveOn ? 0 : b.position)
                try fault.hit("load.batch.beforeCommit")
            }
        }
        try fault.hit("load.batch.afterCommit")
        try Interrupt.check(.load)
        logger.debug("load batch committed", metadata: ["run.id": "\(runId)", "load.phase": "\(phase.rawValue)",
                                                        "load.position": "\(b.position)", "load.batch": "\(b.size)"])
    }

    /// Chunks (of 256 records) the reader thread decodes ahead: a whole batch and a little more, so that the next
    /// batch's records are decoded while the server merges this one, instead of the reader stopping a few thousand
    /// records ahead and the two taking turns.
    static func prefetchChunks(_ batchSize: Int) -> Int { batchSize / 256 + 2 }

    private func finish(_ run: LoadRunInfo, _ s0: LoadSummary, legacyCopies: Bool) throws -> LoadSummary {
        var s = s0
        let stamp = FileLock.isoUTC(now())
        return try connection.transaction { c in
            s.contactsCreated = Int(try c.execute("SELECT count(*) FROM contacts WHERE created_run = $1", [run.runId]).scalar ?? "") ?? 0
            s.threadsHeldInternal = Int(try c.execute("""
                SELECT count(*) FROM threads WHERE visibility = 'internal' AND proposed_class <> 'internal-only'
                """).scalar ?? "") ?? 0
            try c.execute("""
                UPDATE runs SET status = 'ok', finished_at = $1, counts = $2, message = $3, error_code = NULL WHERE id = $4
                """, [stamp, s.countsJSON, s.message, run.runId])
            try PGSchema.createMissingDeferred(c)
            if legacyCopies { try c.execute(Self.removeSupersededOffsetCopies) }
            try saveCheckpoint(run.runId, .done, 0)
            for cur in run.cursors {
                try c.execute("""
                    INSERT INTO cursors(mailbox, folder, uidvalidity, highest_uid, updated_at, authoritative)
                    VALUES ($1, $2, $3, $4, $5, 1)
                    ON CONFLICT(mailbox, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                        highest_uid = excluded.highest_uid, updated_at = excluded.updated_at, authoritative = 1
                    """, [cur.mailbox, cur.folder, String(Int64(cur.uidValidity)), String(Int64(cur.highestUID)),
                          FileLock.isoUTC(now())])
            }
            try fault.hit("load.finish")
            return s
        }
    }

    private func saveCheckpoint(_ runId: String, _ phase: StoreLoader.Phase, _ position: Int) throws {
        try connection.execute("UPDATE checkpoints SET phase = $1, position = $2, updated_at = $3 WHERE run_id = $4",
                               [phase.rawValue, String(position), FileLock.isoUTC(now()), runId])
    }

    /// Records a failed load (as `StoreLoader.markFailed`); the checkpoint stays, so a rerun continues.
    /// When the connection itself was lost, nothing can be written: the row stays `running` until the next load
    /// finds its run lock free and marks it failed (`begin`), and the command's own error is the one line said.
    private func markFailed(_ runId: String, _ error: Error) {
        if let e = error as? MailroomError, e.status == .network, e.cause is PGServerError {
            logger.debug("the failed load's run log row is left to the next load: the connection was lost",
                         metadata: ["run.id": "\(runId)"])
            return
        }
        let line = String(describing: error).replacingOccurrences(of: "\n", with: " ")
        do {
            try connection.execute("UPDATE runs SET status = 'failed', finished_at = $1, message = $2 WHERE id = $3",
                                   [FileLock.isoUTC(now()), "failed: \(line)", runId])
        } catch let markError {
            logger.warning("the failed load's run log row could not be marked failed: \(markError)",
                           metadata: ["run.id": "\(runId)"])
        }
    }

    /// `StoreLoader.removeSupersededOffsetCopies` in PostgreSQL (`GLOB` classes as regular expressions).
    static let removeSupersededOffsetCopies = """
        DELETE FROM message_copies
        WHERE length(copy_id) > length(mailbox) + length(folder) + 2
          AND length(copy_id) < length(mailbox) + length(folder) + 18
          AND substr(copy_id, 1, length(mailbox) + length(folder) + 2) = mailbox || '/' || folder || '/'
          AND substr(copy_id, length(mailbox) + length(folder) + 3) !~ '[^0-9]'
          AND EXISTS (
            SELECT 1 FROM message_copies n
            WHERE n.message_key = message_copies.message_key AND n.mailbox = message_copies.mailbox
              AND n.folder = message_copies.folder AND n.copy_id <> message_copies.copy_id
              AND length(n.copy_id) >= length(n.mailbox) + length(n.folder) + 18
              AND substr(n.copy_id, length(n.mailbox) + length(n.folder) + 3, 16) !~ '[^0-9a-f]')
        """
}
