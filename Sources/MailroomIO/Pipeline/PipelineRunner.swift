import Foundation
import Logging
import MailroomCore

/// Options of a staged run.
public struct RunOptions: Sendable {
    /// The day the window ends with (YYYY-MM-DD, UTC).
    public var asOf: String
    public var days: Int
    /// Only this mailbox, when given.
    public var mailbox: String?
    /// Only this shard of `mailbox` (a file mailbox).
    public var shard: MailboxShard?

    public init(asOf: String, days: Int, mailbox: String? = nil, shard: MailboxShard? = nil) {
        self.asOf = asOf
        self.days = days
        self.mailbox = mailbox
        self.shard = shard
    }
}

/// Runs the stages of one run directory: each reads its predecessor's files (checked against the manifest),
/// writes its own atomically, and records itself in the manifest. Rerunning a stage marks later stages stale.
/// Each stage is its Core step (`StageStep`) driven by `StageDriver.swift`, wired in one
/// `PipelineRunner+<Stage>.swift`; which stages run together is in `StagePlan.swift`.
public final class PipelineRunner {
    public let pipeline: LoadedPipeline
    public var runDir: RunDirectory
    public internal(set) var manifest: Manifest
    let logger: Logger
    /// Held while the runner lives: two processes never work in one run directory at once.
    let lock: FileLock
    /// A PostgreSQL session that already holds this run's load locks (`PGLoadLock`), taken before the first stage;
    /// the load uses it (and closes nothing). Nil: the load connects and takes them itself.
    var heldStoreSession: PGConnection?
    /// The report's part of match's output, collected as this runner's match wrote it, with the files it wrote:
    /// `report(after:)` takes it instead of reading them back when the manifest still names those files.
    var matchReportPart: (part: ReportBuilder.MatchPart, outputs: [FileSummary])?
    /// The report's count of message identities, collected as this runner's match read dedupe's messages, with
    /// the file it read: `report(after:)` takes it instead of reading that file again when it is still the one
    /// the manifest names.
    var matchMessagePart: (part: ReportBuilder.MessagePart, input: FileSummary)?
    /// Match's first pass, made by this runner's dedupe as it wrote its messages (see `StagePlan.swift`): match
    /// takes it instead of reading dedupe's messages back when the manifest still names the file it was made from.
    var matchFirstPass: MatchFirstPass?

    init(pipeline: LoadedPipeline, runDir: RunDirectory, manifest: Manifest, logger: Logger, lock: FileLock) {
        self.pipeline = pipeline
        self.runDir = runDir
        self.manifest = manifest
        self.logger = logger
        self.lock = lock
    }

    static func lockRunDirectory(_ dir: RunDirectory) throws -> FileLock {
        try FileLock.acquire(path: dir.fileURL(".lock").path, what: "run directory \(dir.display(""))")
    }

    /// Starts a new run directory for the pipeline.
    /// A directory made by `RunDirectory.reserve` that is still empty is removed when the start fails.
    public static func start(pipeline: LoadedPipeline, runDirectory url: URL, options: RunOptions,
                             logger: Logger = Logger(label: "mailroom")) throws -> PipelineRunner {
        do {
            return try startIn(pipeline: pipeline, runDirectory: url, options: options, logger: logger)
        } catch {
            RunDirectory.releaseIfReservedAndEmpty(url)
            throw error
        }
    }

    private static func startIn(pipeline: LoadedPipeline, runDirectory url: URL, options: RunOptions,
                                logger: Logger) throws -> PipelineRunner {
        guard let day = DateWindow.parseDay(options.asOf) else {
            throw MailroomError(.usage, "--as-of must be a date written YYYY-MM-DD, not '\(options.asOf)'")
        }
        if let only = options.mailbox { _ = try pipeline.config.requireMailbox(named: only) }
        if let shard = options.shard { try checkShard(shard, pipeline, mailbox: options.mailbox) }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(RunDirectory.manifestName).path) {
            throw MailroomError(.usage, "already holds a run: name a new --run-dir, or rerun a stage with `mailroom stage STAGE --run DIR`", location: url.path)
        }
        let window = DateWindow(asOfDay: day, days: options.days)
        let gate = try MailboxGate.check(pipeline, only: options.mailbox, purpose: .run)
        if let note = MailboxGate.skipNote(gate.skipped) { logger.warning("\(note)") }
        try preflight(pipeline, mailboxes: gate.mailboxes)
        let dir = try RunDirectory.create(at: url)
        let lock = try lockRunDirectory(dir)
        let mailboxes = gate.mailboxes
            .map { m -> RunMailbox in
                let root = m.source == .imap
                    ? dir.fileURL("extract/raw/\(m.name)").path
                    : pipeline.resolve(m.path ?? "").path
                return RunMailbox(name: m.name, source: m.source, root: root, shard: options.shard)
            }
        let manifest = Manifest(runId: url.lastPathComponent, pipelinePath: pipeline.url.path,
                                pipelineName: pipeline.config.name, pipelineSHA256: pipeline.sha256,
                                createdAt: WallClock.timestamp(), asOf: options.asOf, days: options.days,
                                windowStart: MailDate.iso(window.start), windowEnd: MailDate.iso(window.end),
                                mailboxes: mailboxes)
        try dir.writeManifest(manifest)
        return PipelineRunner(pipeline: pipeline, runDir: dir, manifest: manifest, logger: logger, lock: lock)
    }

    /// `--shard` needs `--mailbox`, naming a file mailbox (an IMAP mailbox is split by its folders' cursors, not
    /// by shards).
    static func checkShard(_ shard: MailboxShard, _ pipeline: LoadedPipeline, mailbox: String?) throws {
        guard let mailbox else {
            throw MailroomError(.usage, "--shard \(shard) needs --mailbox NAME: a shard is a part of one mailbox")
        }
        if try pipeline.config.requireMailbox(named: mailbox).source == .imap {
            throw MailroomError(.usage, "--shard \(shard): mailbox '\(mailbox)' is an IMAP mailbox; only file mailboxes "
                                + "(mbox, Maildir, .eml) are split into shards")
        }
    }

    /// Opens an existing run directory to rerun stages. The pipeline file is read again from where the run
    /// recorded it, so fixed contacts or settings take effect.
    public static func resume(runDirectory url: URL, logger: Logger = Logger(label: "mailroom")) throws -> PipelineRunner {
        let dir = try RunDirectory.open(url)
        let lock = try lockRunDirectory(dir)
        let manifest = try dir.readManifest()
        let pipeline = try LoadedPipeline.load(path: manifest.pipelinePath)
        return PipelineRunner(pipeline: pipeline, runDir: dir, manifest: manifest, logger: logger, lock: lock)
    }

    public var window: DateWindow {
        DateWindow(start: MailDate.parseISO(manifest.windowStart) ?? 0, end: MailDate.parseISO(manifest.windowEnd) ?? 0)
    }

    /// Runs one stage and records it. Throws when its predecessor has not completed.
    @discardableResult
    public func run(_ stage: Stage) throws -> StageRecord {
        try drive(stage) {
            switch stage {
            case .extract: try runExtract()
            case .normalize: try runNormalize()
            case .dedupe: try runDedupe()
            case .match: try runMatch()
            case .load: try runLoad()
            }
        }
    }

    /// Shows progress of long stages on stderr when it is a terminal.
    public func showProgress(quiet: Bool) {
        runDir.progress = ProgressReporter(quiet: quiet)
    }
}
