import Foundation
import MailroomCore

/// Records runs that failed before (or while) loading, so the run log has every sync, backfill and load — also
/// the ones that never reached the store. Writes only to a store that already exists: a failed first run creates
/// none. Dry runs are not recorded (they never write the store).
public enum RunLogRecorder {
    /// Records `error` as a failed run of `kind`. Without a store (a failed first run), while another process
    /// holds the store's lock, or when the store cannot be locked or opened (the run's own error names it),
    /// nothing is recorded and nothing is thrown. A store that opens but whose run log cannot be read or written (disk
    /// full) throws that error, for the caller to report beside the run's own.
    /// A run the loader already marked failed keeps its row; only the error code and message are added.
    public static func recordFailure(_ pipeline: LoadedPipeline, runId: String?, kind: RunLogEntry.Kind,
                                     mailboxes: [String], window: DateWindow?, error: Error, now: Date = Date(),
                                     fault: FaultHook = .process) throws {
        if let i = error as? InterruptedError {
            try recordInterrupted(pipeline, runId: runId, kind: kind, mailboxes: mailboxes, window: window, error: i,
                                  createIfMissing: true, now: now, fault: fault)
            return
        }
        // A partial run (exit 8) loaded: `finished` / `noteIMAP` recorded it already.
        guard let e = error as? MailroomError, e.status != .locked, e.status != .usage, e.status != .partial else { return }
        try end(pipeline, runId: runId, kind: kind, mailboxes: mailboxes, window: window, status: .failed,
                errorCode: e.status.name, message: e.status == .disconnected ? "refused: \(e.message)" : RunLogText.failure(e),
                throttled: IMAPThrottling.mentionsThrottling(e.message) ? 1 : 0, createIfMissing: true, now: now, fault: fault)
    }

    /// Ends the run's row with `status`, `errorCode` and `message` (a row the loader began keeps the rest), or,
    /// with `createIfMissing`, adds one for a run that never reached the store. A store that does not exist or
    /// cannot be locked or opened is left alone; a failure to read or write the row is thrown.
    private static func end(_ pipeline: LoadedPipeline, runId: String?, kind: RunLogEntry.Kind, mailboxes: [String],
                            window: DateWindow?, status: RunLogEntry.Status, errorCode: String, message: String,
                            throttled: Int = 0, createIfMissing: Bool, now: Date, fault: FaultHook) throws {
        // A store that is not there, is locked by another process, or cannot be locked or opened (not SQLite, a
        // folder that refuses files) is what the run failed on or never reached; its error says so already.
        // A PostgreSQL store has no lock file: its rows are written by id in their own transaction.
        let store: any MailroomStore
        var lock: FileLock?
        if CRMStore.isPostgres(pipeline) {
            guard let pg = try? StoreAccess.existing(pipeline, readOnly: false) else { return }
            store = pg
        } else {
            guard let path = try? CRMStore.path(for: pipeline), FileManager.default.fileExists(atPath: path),
                  let l = try? FileLock.acquire(path: CRMStore.lockPath(for: path), what: "store \(path)")
            else { return }
            lock = l
            guard let lite = try? CRMStore.open(path: path) else {
                l.release()
                return
            }
            store = lite
        }
        defer { lock?.release() }
        try fault.hit("runlog.record-end")
        let stamp = FileLock.isoUTC(now)
        let id = runId ?? "\(kind.rawValue)-\(status.rawValue)-\(Int(now.timeIntervalSince1970 * 1000))"
        if var existing = try store.run(id: id) {
            existing.status = status
            existing.errorCode = errorCode
            existing.message = message
            existing.finishedAt = existing.finishedAt ?? stamp
            try store.recordRun(existing)
            return
        }
        guard createIfMissing else { return }
        try store.recordRun(RunLogEntry(
            id: id, kind: kind, windowStart: window.map { MailDate.iso($0.start) },
            windowEnd: window.map { MailDate.iso($0.end) }, mailboxes: mailboxes, startedAt: stamp,
            finishedAt: stamp, status: status, message: message, throttled: throttled, errorCode: errorCode))
    }
}

extension RunLogRecorder {
    /// Marks the run `interrupted`, naming the signal and the stage it reached (a load's `running` row would
    /// otherwise stay `running`). `createIfMissing`: add a row when the run never reached the load (`run`, `sync`,
    /// `backfill`); a rerun of one stage (`stage`) only updates the row of a load that started. Throws, like
    /// `recordFailure`, only when an existing store that nobody else holds cannot be written.
    public static func recordInterrupted(_ pipeline: LoadedPipeline, runId: String?, kind: RunLogEntry.Kind,
                                         mailboxes: [String], window: DateWindow?, error i: InterruptedError,
                                         createIfMissing: Bool, now: Date = Date(), fault: FaultHook = .process) throws {
        let message = "interrupted by \(i.signalName) during \(i.stage.rawValue); "
            + (i.stage == .load ? "rerun its load (mailroom stage load --run DIR) to finish it"
                                : "nothing of this run was loaded: rerun it")
        try end(pipeline, runId: runId, kind: kind, mailboxes: mailboxes, window: window, status: .interrupted,
                errorCode: i.status.name, message: message, createIfMissing: createIfMissing, now: now, fault: fault)
    }

    /// The folder cursors of `mailboxes` before a run (empty when there is no store yet), for `finished`.
    public static func cursors(_ pipeline: LoadedPipeline, mailboxes: [String]) -> [RunLogEntry.Cursor] {
        guard let store = try? StoreAccess.existing(pipeline, readOnly: true) else { return [] }
        return (try? store.readSQL("read the folder cursors") { db in
            try mailboxes.flatMap { m in
                try CRMStore.runCursors(db, mailbox: m).map {
                    RunLogEntry.Cursor(folder: mailboxes.count > 1 ? "\(m)/\($0.folder)" : $0.folder,
                                       uidValidity: $0.uidValidity, highestUID: $0.highestUID)
                }
            }
        }) ?? []
    }

    /// After a run loaded: its run log row (written by the loader as a `load`) becomes a `kind` run with the
    /// cursors before and after and a message a person can read ("2,314 messages in 14 days; ..."); a sync
    /// clears the mailboxes' "reconnected, not synced yet" mark; IMAP mailboxes keep where their secret comes
    /// from (`env:NAME`/`file:PATH`, never the secret). Returns the row.
    @discardableResult
    public static func finished(_ runner: PipelineRunner, kind: RunLogEntry.Kind,
                                cursorBefore: [RunLogEntry.Cursor]) throws -> RunLogEntry? {
        try FaultHook.process.hit("runlog.after-load")
        let names = runner.manifest.mailboxes.map(\.name)
        let store = try StoreAccess.open(runner.pipeline)
        guard var entry = try store.run(id: runner.manifest.runId) else { return nil }
        entry.kind = kind
        entry.cursorBefore = cursorBefore
        entry.cursorAfter = cursors(runner.pipeline, mailboxes: names)
        entry.counts = entry.counts.merging(RunLogText.stageCounts(runner.manifest)) { a, _ in a }
        entry.message = RunLogText.summary(runner)
        try annotateIMAP(&entry, runner)
        try store.recordRun(entry)
        if kind == .sync { for n in names { try store.markSynced(n) } }
        for n in names {
            if let ref = runner.pipeline.config.mailbox(named: n)?.imap?.secret.description {
                try store.setCredentialsRef(n, ref)
            }
        }
        return entry
    }
}

extension RunLogRecorder {
    /// Adds to a loaded run's row what extract noted about its IMAP folders: UIDs the server did not deliver
    /// (the run becomes `partial`, counted in `imap.missingUIDs`) and cursors held back below mail not fetched
    /// (counted in `imap.cursorsHeldBack`), each folder named with the reason, in the message.
    static func annotateIMAP(_ entry: inout RunLogEntry, _ runner: PipelineRunner) throws {
        let notes = try runner.imapFolderNotes()
        guard !notes.isEmpty else { return }
        let missing = notes.map(\.missingUIDs.count).reduce(0, +)
        if missing > 0 {
            entry.status = .partial
            entry.errorCode = ExitStatus.partial.name
            entry.counts["imap.missingUIDs"] = missing
        }
        entry.counts["imap.cursorsHeldBack"] = notes.count
        entry.message += "; " + notes.map(\.line).joined(separator: "; ")
    }

    /// For a run that loaded without `finished` (`mailroom run`): adds the IMAP notes to its run log row.
    public static func noteIMAP(_ runner: PipelineRunner) throws {
        try FaultHook.process.hit("runlog.after-load")
        let store = try StoreAccess.open(runner.pipeline)
        guard var entry = try store.run(id: runner.manifest.runId) else { return }
        let before = entry
        try annotateIMAP(&entry, runner)
        if entry != before { try store.recordRun(entry) }
    }
}
