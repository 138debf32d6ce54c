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

    public init(asOf: String, days: Int, mailbox: String? = nil) {
        self.asOf = asOf
        self.days = days
        self.mailbox = mailbox
    }
}

/// Runs the stages of one run directory: each reads its predecessor's files (checked against the manifest),
/// writes its own atomically, and records itself in the manifest. Rerunning a stage marks later stages stale.
public final class PipelineRunner {
    public let pipeline: LoadedPipeline
    public var runDir: RunDirectory
    public internal(set) var manifest: Manifest
    let logger: Logger
    /// Held while the runner lives: two processes never work in one run directory at once.
    let lock: FileLock
    /// Dedupe's first pass, done by normalize as it wrote its lines (same process): see `DedupeHandoff`.
    var dedupeHandoff: DedupeHandoff?

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
                return RunMailbox(name: m.name, source: m.source, root: root)
            }
        let manifest = Manifest(runId: url.lastPathComponent, pipelinePath: pipeline.url.path,
                                pipelineName: pipeline.config.name, pipelineSHA256: pipeline.sha256,
                                createdAt: WallClock.timestamp(), asOf: options.asOf, days: options.days,
                                windowStart: MailDate.iso(window.start), windowEnd: MailDate.iso(window.end),
                                mailboxes: mailboxes)
        try dir.writeManifest(manifest)
        return PipelineRunner(pipeline: pipeline, runDir: dir, manifest: manifest, logger: logger, lock: lock)
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
        if let pred = stage.predecessor {
            guard let r = manifest.stages[pred] else {
                throw MailroomError(.input, "stage \(stage.rawValue) needs \(pred.rawValue)'s output, and \(pred.rawValue) has not run in this run directory: run `mailroom stage \(pred.rawValue) --run \(runDir.display(""))` first", location: runDir.display(RunDirectory.manifestName))
            }
            guard r.status == .complete else {
                throw MailroomError(.input, "stage \(pred.rawValue) is \(r.status.rawValue)\(r.note.map { " (\($0))" } ?? ""): rerun it before \(stage.rawValue)", location: runDir.display(RunDirectory.manifestName))
            }
        }
        let started = WallClock.timestamp()
        let t0 = WallClock.nowMillis()
        let cpu0 = WallClock.cpuMillis()
        logger.info("stage started", metadata: ["run.id": "\(manifest.runId)", "stage.name": "\(stage.rawValue)"])
        runDir.progressStage = stage.rawValue
        var result: StageResult
        switch stage {
        case .extract: result = try runExtract()
        case .normalize: result = try runNormalize()
        case .dedupe: result = try runDedupe()
        case .match: result = try runMatch()
        case .load: result = try runLoad()
        }
        return try record(stage, result, startedAt: started, durationMs: Int(WallClock.nowMillis() - t0),
                          cpuMs: Int(WallClock.cpuMillis() - cpu0))
    }

    /// Records a finished stage in the manifest (and writes it): a rerun marks later stages stale, a first run
    /// clears them.
    @discardableResult
    func record(_ stage: Stage, _ result: StageResult, startedAt started: String, durationMs: Int,
                cpuMs: Int) throws -> StageRecord {
        let record = StageRecord(status: .complete, startedAt: started, finishedAt: WallClock.timestamp(),
                                 durationMs: durationMs, cpuMs: cpuMs, maxRSSKB: WallClock.maxRSSKB(),
                                 inputs: result.inputs,
                                 settings: result.settings, counts: result.counts, outputs: result.outputs)
        let rerun = manifest.stages[stage] != nil
        manifest.stages[stage] = record
        if rerun {
            manifest.markDownstreamStale(of: stage, because: "\(stage.rawValue) was rerun at \(started)")
        } else {
            for s in stage.downstream { manifest.stages[s] = nil }
        }
        try runDir.writeManifest(manifest)
        HeapTrim.returnFreedMemory()
        logger.info("stage finished", metadata: ["run.id": "\(manifest.runId)", "stage.name": "\(stage.rawValue)",
                                                  "duration.ms": "\(record.durationMs)"])
        return record
    }

    /// Shows progress of long stages on stderr when it is a terminal.
    public func showProgress(quiet: Bool) {
        runDir.progress = ProgressReporter(quiet: quiet)
    }

    /// Runs stages in order, from `from` through `through`.
    /// In a new run of local mailboxes, extract and normalize run together (see `runExtractAndNormalize`).
    public func run(from: Stage = .extract, through last: Stage) throws {
        var first = from
        if from == .extract, last >= .normalize, manifest.stages.isEmpty,
           manifest.mailboxes.allSatisfy({ $0.source != .imap }) {
            try runExtractAndNormalize()
            first = .dedupe
        }
        for s in Stage.allCases where s >= first && s <= last { try run(s) }
    }

    struct StageResult {
        var inputs: [StageInput] = []
        var settings: [String: JSONValue] = [:]
        var counts: [String: Int] = [:]
        var outputs: [FileSummary] = []
    }

    func stageOutput(_ stage: Stage, _ file: String) throws -> FileSummary {
        guard let r = manifest.stages[stage], let s = r.output(file) else {
            throw MailroomError(.input, "the manifest has no \(file) from \(stage.rawValue): rerun \(stage.rawValue)", location: runDir.display(RunDirectory.manifestName))
        }
        return s
    }

    func inputRecord(_ s: FileSummary) -> StageInput { StageInput(name: s.file, fingerprint: "sha256:\(s.sha256)") }
}
