import Foundation
import Logging
import MailroomCore

/// `mailroom mailbox reconnect`: re-enable a mailbox, sync it now, and say whether a backfill is needed and for
/// which window — the gap between the newest message loaded before and what the sync reached — instead of
/// suggesting a large one.
///
/// The sync is `mailroom sync --mailbox` (extract → normalize → dedupe → match → load): IMAP folders fetch what is
/// above their stored cursor when its UIDVALIDITY still holds, else the window (`backfillDays` ending today); file
/// mailboxes read the window.
public enum ReconnectWorkflow {
    /// What `mailroom mailbox reconnect` is given.
    public struct Request: Sendable {
        /// The pipeline file.
        public var pipeline: String
        /// The mailbox's name in the pipeline.
        public var mailbox: String
        /// `--run-dir`; nil: a new directory under `runs/` next to the pipeline file.
        public var runDirectory: String?
        /// `--as-of`, YYYY-MM-DD UTC; nil: today.
        public var asOf: String?
        /// `--days`: the window for folders without a stored cursor and for file mailboxes; nil: `backfillDays`.
        public var days: Int?
        public var quiet: Bool

        public init(pipeline: String, mailbox: String, runDirectory: String? = nil, asOf: String? = nil,
                    days: Int? = nil, quiet: Bool = true) {
            self.pipeline = pipeline
            self.mailbox = mailbox
            self.runDirectory = runDirectory
            self.asOf = asOf
            self.days = days
            self.quiet = quiet
        }
    }

    /// Reconnects, syncs and advises, holding the store's lock throughout. A sync that fails is recorded in the
    /// run log as a failed sync with the cursors it started from (a row that cannot be written is said through
    /// `warn`); the report's `partial` is the exit-8 outcome of a server that did not deliver some messages.
    public static func run(_ request: Request, warn: WarningSink,
                           logger: Logger = Logger(label: "mailroom")) throws -> ReconnectReport {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        let name = request.mailbox
        let config = try pipeline.config.requireMailbox(named: name)
        let runDirectory = try Workflow.runDirectory(request.runDirectory, pipeline)
        let asOf = request.asOf ?? WallClock.todayUTC()
        let days = request.days
        let quiet = request.quiet
        // A directory `RunDirectory.reserve` made for this run is removed when the run wrote nothing in it.
        defer { RunDirectory.releaseIfReservedAndEmpty(runDirectory) }
        // A PostgreSQL store has no lock file: the sync's load takes the loader's advisory lock.
        let lock = try CRMStore.sqlitePath(for: pipeline).map {
            try FileLock.acquire(path: CRMStore.lockPath(for: $0), what: "store \($0)")
        }
        defer { lock?.release() }
        let store = try StoreAccess.open(pipeline)
        let (newestBefore, cursorsBefore) = try store.readSQL("read the mailbox") { db in
            (try CRMStore.newestLoaded(db, mailbox: name), try CRMStore.runCursors(db, mailbox: name))
        }
        let before = try store.reconnect(name, credentialsRef: config.imap?.secret.description)
        var report = ReconnectReport(mailbox: name, wasState: before.state, runDirectory: runDirectory.path,
                                     newestLoadedBefore: newestBefore)
        let started = FileLock.isoUTC(Date())
        let runner: PipelineRunner
        do {
            runner = try PipelineRunner.start(pipeline: pipeline, runDirectory: runDirectory,
                                              options: RunOptions(asOf: asOf, days: days ?? pipeline.config.backfillDays,
                                                                  mailbox: name), logger: logger)
            runner.showProgress(quiet: quiet)
            if config.source == .imap { try runner.markIMAPSync() }
            try runner.run(through: .match)
            try runner.run(.load)
        } catch let e as MailroomError {
            do {
                try store.recordRun(RunLogEntry(
                    id: runDirectory.lastPathComponent, kind: .sync, mailboxes: [name], startedAt: started,
                    finishedAt: FileLock.isoUTC(Date()), status: .failed, message: RunLogText.failure(e),
                    cursorBefore: cursorsBefore, cursorAfter: cursorsBefore,
                    throttled: IMAPThrottling.mentionsThrottling(e.message) ? 1 : 0, errorCode: e.status.name))
            } catch {
                warn(Workflow.failureNotRecorded(runDirectory.lastPathComponent, error))
            }
            throw e
        }
        let m = runner.manifest
        report.windowStart = m.windowStart
        report.windowEnd = m.windowEnd
        report.oldestFetched = try oldestCopy(runner, mailbox: name)
        report.fetched = m.stages[.extract]?.counts["extracted"] ?? 0
        // The loader recorded the load as a run; it is this mailbox's sync: say so, with the cursors (recording
        // a sync also clears the mailbox's sync-pending mark).
        let entry = try RunLogRecorder.finished(runner, kind: .sync, cursorBefore: cursorsBefore)
        report.syncRunId = entry?.id
        report.syncMessage = entry?.message
        report.partial = try runner.imapPartialError()
        let cursorsAfter = try store.readSQL("read the mailbox") { db in try CRMStore.runCursors(db, mailbox: name) }
        report.newestLoadedAfter = try store.readSQL("read the mailbox") { db in try CRMStore.newestLoaded(db, mailbox: name) }
        if config.source == .imap {
            report.newestOnServer = MailboxServerNewest.newest(config, pipelineDirectory: pipeline.directory.path)
        }
        // A folder with a stored cursor fetched everything above it (same UIDVALIDITY) or was re-identified whole
        // (UIDVALIDITY changed): nothing can be missing there. Only folders without one read just the window.
        report.continuedFromCursors = config.source == .imap && !cursorsAfter.isEmpty && cursorsAfter.allSatisfy { a in
            cursorsBefore.contains { $0.folder == a.folder }
        }
        report.advice = report.continuedFromCursors ? nil
            : BackfillAdvice.compute(newestLoadedBefore: newestBefore, syncWindowStart: m.windowStart,
                                     oldestFetched: report.oldestFetched)
        report.pipelinePath = pipeline.url.path
        return report
    }


    /// The oldest message date among the copies the sync extracted for the mailbox.
    static func oldestCopy(_ runner: PipelineRunner, mailbox: String) throws -> String? {
        var oldest: String?
        try runner.runDir.read(MessageCopy.self, try runner.stageOutput(.extract, "extract/messages.ndjson")) { c, _ in
            guard c.mailbox == mailbox, let d = c.date else { return }
            if oldest == nil || d < oldest! { oldest = d }
        }
        return oldest
    }
}
