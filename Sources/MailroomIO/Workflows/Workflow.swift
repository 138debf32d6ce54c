import Foundation
import MailroomCore

/// Where a workflow sends a warning while it runs: one line for stderr, given when it arises (so it comes before
/// the run's progress and its error, as it happens), never printed by the workflow itself.
public typealias WarningSink = (String) -> Void

/// What `mailroom run`, `backfill` and `sync` are given: the values parsed from the command line.
public struct RunRequest: Sendable {
    /// The pipeline file.
    public var pipeline: String
    /// `--run-dir`; nil: a new directory under `runs/` next to the pipeline file (`RunDirectory.reserve`).
    public var runDirectory: String?
    /// `--as-of`, YYYY-MM-DD UTC; nil: today.
    public var asOf: String?
    /// `--days`; nil: the pipeline's `backfillDays`.
    public var days: Int?
    /// `--mailbox`: only this mailbox of the pipeline.
    public var mailbox: String?
    /// `--shard I/N`: only that shard of `mailbox` (a file mailbox).
    public var shard: MailboxShard?
    /// `--dry-run`: `run` stops after match and loads nothing.
    public var dryRun: Bool
    /// `--quiet`: no progress line.
    public var quiet: Bool

    public init(pipeline: String, runDirectory: String? = nil, asOf: String? = nil, days: Int? = nil,
                mailbox: String? = nil, shard: MailboxShard? = nil, dryRun: Bool = false, quiet: Bool = true) {
        self.pipeline = pipeline
        self.runDirectory = runDirectory
        self.asOf = asOf
        self.days = days
        self.mailbox = mailbox
        self.shard = shard
        self.dryRun = dryRun
        self.quiet = quiet
    }
}

/// What a run through the stages gives back for the command to print.
public struct RunOutcome {
    /// The report of the run (after match).
    public var report: DryRunReport
    /// The load's manifest entry; nil for a dry run.
    public var load: StageRecord?
    /// The run directory, as shown to a person.
    public var runDirectory: String
    /// `.partial` (exit 8) when an IMAP server did not deliver some messages: everything else was processed
    /// (loaded, unless a dry run) and those folders' cursors stay below them. The command ends with it after
    /// printing the rest.
    public var partial: MailroomError?
}

/// What the workflows share: the run's directory, options and window from a request; the one failure path of
/// `run`, `backfill` and `sync`; completing a load's run log row.
enum Workflow {
    static func asOfDay(_ r: RunRequest) -> String { r.asOf ?? WallClock.todayUTC() }

    static func days(_ r: RunRequest, _ pipeline: LoadedPipeline) -> Int { r.days ?? pipeline.config.backfillDays }

    static func options(_ r: RunRequest, _ pipeline: LoadedPipeline) -> RunOptions {
        RunOptions(asOf: asOfDay(r), days: days(r, pipeline), mailbox: r.mailbox, shard: r.shard)
    }

    /// The window the run covers, when the as-of day is valid (the runner reports a bad one).
    static func window(_ r: RunRequest, _ pipeline: LoadedPipeline) -> DateWindow? {
        DateWindow.parseDay(asOfDay(r)).map { DateWindow(asOfDay: $0, days: days(r, pipeline)) }
    }

    /// The mailboxes a run touches, for the run log.
    static func mailboxNames(_ r: RunRequest, _ pipeline: LoadedPipeline) -> [String] {
        r.mailbox.map { [$0] } ?? pipeline.config.mailboxes.map(\.name)
    }

    /// A session of the pipeline's PostgreSQL store holding the load locks of the run's mailboxes (or shard), for
    /// the load to use (`PipelineRunner.heldStoreSession`). Migrates a new store first. Refused (`.locked`, exit 6)
    /// at once when another worker holds one of them; the server drops them if this process dies.
    static func postgresLoadSession(_ pipeline: LoadedPipeline, _ dir: URL, _ request: RunRequest) throws -> PGConnection {
        let c = try PGConnection.open(for: pipeline)
        do {
            if let shard = request.shard { try PipelineRunner.checkShard(shard, pipeline, mailbox: request.mailbox) }
            let names = try MailboxGate.check(pipeline, only: request.mailbox, purpose: .run).mailboxes.map(\.name)
            _ = try PGLoadLock.acquire(c, runId: dir.lastPathComponent, mailboxes: names, shard: request.shard)
            return c
        } catch {
            c.close()
            throw error
        }
    }

    /// `--run-dir`, else a new directory under `runs/` next to the pipeline file, named for the time and made
    /// at once so that two runs started together never share it.
    static func runDirectory(_ path: String?, _ pipeline: LoadedPipeline, suffix: String = "") throws -> URL {
        try path.map { URL(fileURLWithPath: $0) }
            ?? RunDirectory.reserve(in: pipeline.directory.appendingPathComponent("runs"), suffix: suffix)
    }

    /// The one failure path of `run`, `backfill` and `sync`: runs `body`; when it throws, removes the run
    /// directory if this process reserved it and nothing was written in it, records the failed run in the run log
    /// as `kind` (nil: a dry run, never recorded), and rethrows the run's error. A run log that cannot be written
    /// is said (`warn`), not swallowed; the run's own error stays the one the command ends with.
    static func recordingFailure<T>(_ pipeline: LoadedPipeline, runDirectory: URL, kind: RunLogEntry.Kind?,
                                    mailboxes: [String], window: DateWindow?, fault: FaultHook, warn: WarningSink,
                                    _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            RunDirectory.releaseIfReservedAndEmpty(runDirectory)
            guard let kind else { throw error }
            do {
                try RunLogRecorder.recordFailure(pipeline, runId: runDirectory.lastPathComponent, kind: kind,
                                                 mailboxes: mailboxes, window: window, error: error, fault: fault)
            } catch let recordError {
                warn(failureNotRecorded(runDirectory.lastPathComponent, recordError))
            }
            throw error
        }
    }

    /// After a committed load, completes its run log row (`record`: cursors, counts, IMAP notes, the mailbox's
    /// last sync). A failure there does not undo the load, so the command goes on to its output and exit code,
    /// but it is never silent: one warning names it and the run it concerns.
    static func completeRunLog(_ runner: PipelineRunner, warn: WarningSink, _ record: () throws -> Void) {
        do { try record() } catch {
            warn("mailroom: warning: the load committed, but its run log row \(runner.manifest.runId) could not be completed (\(reason(error))); the loaded data is complete, `mailroom runs` may show that run unfinished")
        }
    }

    /// A run's outcome once its stages are done.
    /// Backfill's and sync's run inside their failure path: every stage through the load, then the run log row
    /// becomes a `kind` row with the folder cursors before and after. `prepare` runs once the run directory is
    /// started, before any stage (sync marks its IMAP folders to fetch above their cursors).
    static func stagesThroughLoad(_ pipeline: LoadedPipeline, _ dir: URL, _ request: RunRequest,
                                  kind: RunLogEntry.Kind, warn: WarningSink,
                                  prepare: (PipelineRunner) throws -> Void = { _ in }) throws -> RunOutcome {
        let runner = try PipelineRunner.start(pipeline: pipeline, runDirectory: dir, options: options(request, pipeline))
        let cursorsBefore = RunLogRecorder.cursors(pipeline, mailboxes: runner.manifest.mailboxes.map(\.name))
        try prepare(runner)
        runner.showProgress(quiet: request.quiet)
        try runner.run(through: .match)
        let report = try runner.report()
        let load = try runner.run(.load)
        completeRunLog(runner, warn: warn) {
            try RunLogRecorder.finished(runner, kind: kind, cursorBefore: cursorsBefore)
        }
        return try outcome(runner, report: report, load: load)
    }

    static func outcome(_ runner: PipelineRunner, report: DryRunReport, load: StageRecord?) throws -> RunOutcome {
        RunOutcome(report: report, load: load, runDirectory: runner.runDir.display(""),
                   partial: try runner.imapPartialError())
    }

    /// The warning when a failed run's row could not be written.
    static func failureNotRecorded(_ runId: String, _ error: Error) -> String {
        "mailroom: warning: the run failed and its run log row \(runId) could not be written (\(reason(error))); `mailroom runs` may not show this failure"
    }

    static func reason(_ error: Error) -> String { (error as? MailroomError)?.description ?? "\(error)" }
}
