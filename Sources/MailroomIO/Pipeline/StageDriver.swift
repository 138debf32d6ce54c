import Foundation
import MailroomCore

/// The one driver of every stage (see `StageStep` in MailroomCore for the decision part). For each stage it
/// checks the manifest inputs (the predecessor completed; the files it reads are the ones the manifest names),
/// reads NDJSON records and feeds them to the stage's step, in order (`feed`) or, when records are independent,
/// on all cores (`mapInParallel`), writes what the step emits and the stage's record issues (`IssuesWriter`,
/// counted by code), and records the stage with its timings in the manifest (`record`).
///
/// A stage's own file (`PipelineRunner+Normalize.swift`, `+Dedupe`, `+Match`, `+Extract`, `Store/+Load`) only
/// wires its step to its files. Which stages run together is decided in `StagePlan.swift`.
extension PipelineRunner {
    /// What a stage's wiring hands back to the driver to record.
    struct StageResult {
        var inputs: [StageInput] = []
        var settings: [String: JSONValue] = [:]
        var counts: [String: Int] = [:]
        /// Lines of the stage's issues file by code (`IssuesWriter.countsByCode`).
        var issues: [String: Int] = [:]
        var outputs: [FileSummary] = []
    }

    /// Stages that read line by line check for SIGINT/SIGTERM at their first input line and every this many
    /// lines after it.
    static let safePointLines = 1024

    /// Throws unless `stage`'s predecessor has completed in this run directory.
    func checkPredecessor(of stage: Stage) throws {
        guard let pred = stage.predecessor else { return }
        guard let r = manifest.stages[pred] else {
            throw MailroomError(.input, "stage \(stage.rawValue) needs \(pred.rawValue)'s output, and \(pred.rawValue) has not run in this run directory: run `mailroom stage \(pred.rawValue) --run \(runDir.display(""))` first", location: runDir.display(RunDirectory.manifestName))
        }
        guard r.status == .complete else {
            throw MailroomError(.input, "stage \(pred.rawValue) is \(r.status.rawValue)\(r.note.map { " (\($0))" } ?? ""): rerun it before \(stage.rawValue)", location: runDir.display(RunDirectory.manifestName))
        }
    }

    /// The file `file` that `stage` recorded in the manifest (reading it checks its lines and SHA-256).
    func stageOutput(_ stage: Stage, _ file: String) throws -> FileSummary {
        guard let r = manifest.stages[stage], let s = r.output(file) else {
            throw MailroomError(.input, "the manifest has no \(file) from \(stage.rawValue): rerun \(stage.rawValue)", location: runDir.display(RunDirectory.manifestName))
        }
        return s
    }

    /// How a stage records a file it read.
    func inputRecord(_ s: FileSummary) -> StageInput { StageInput(name: s.file, fingerprint: "sha256:\(s.sha256)") }

    /// Runs `body` as `stage` (its predecessor must be complete) and records it with its wall and CPU time.
    @discardableResult
    func drive(_ stage: Stage, _ body: () throws -> StageResult) throws -> StageRecord {
        try checkPredecessor(of: stage)
        let started = WallClock.timestamp()
        let t0 = WallClock.nowMillis()
        let cpu0 = WallClock.cpuMillis()
        logger.info("stage started", metadata: ["run.id": "\(manifest.runId)", "stage.name": "\(stage.rawValue)"])
        runDir.progressStage = stage.rawValue
        let result = try body()
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
                                 settings: result.settings, counts: result.counts, issues: result.issues,
                                 outputs: result.outputs)
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

    /// Reads `file` (checked against the manifest) as `R` records, calling `body` with each record, its line's
    /// bytes (valid during the call only) and its 1-based line number, in order. With `interruptible`, checks
    /// for an interrupt of that stage at the first line and every `safePointLines` after.
    /// `decodingOnEveryCore`: for a `body` that leaves its core mostly idle (see `NDJSONReader.forEach`).
    func read<R: JSONRecord>(_ file: FileSummary, as _: R.Type, interruptible stage: Stage? = nil,
                             decodingOnEveryCore: Bool = false,
                             _ body: (R, UnsafeRawBufferPointer, Int) throws -> Void) throws {
        try runDir.read(R.self, file, decodingOnEveryCore: decodingOnEveryCore) { record, bytes, line in
            if let stage, line % Self.safePointLines == 1 { try Interrupt.safePoint(stage) }
            try body(record, bytes, line)
        }
    }

    /// Feeds the records of `file` (see `read`) to `step` in order: `input` makes the step's input from a
    /// record, its line's bytes and its line number; `emit` takes what the step emits.
    func feed<S: StageStep, R: JSONRecord>(_ step: inout S, from file: FileSummary, as _: R.Type,
                                           interruptible stage: Stage? = nil,
                                           input: (R, UnsafeRawBufferPointer, Int) throws -> S.Input,
                                           emit: (S.Output) throws -> Void) throws {
        try read(file, as: R.self, interruptible: stage) { record, bytes, line in
            try step.feed(input(record, bytes, line), emit: emit)
        }
    }

    /// Items per batch of `mapInParallel`.
    static let parallelBatchSize = 512
    /// Bytes an item carries (its `weight`) per batch of `mapInParallel`, at most: a batch of items that carry
    /// their message's bytes is mapped early rather than holding 512 messages.
    static let parallelBatchBytes = 1 << 20

    /// Feeds an independent step on all cores. `items` calls its argument with every item, in order; they are
    /// gathered in batches of `parallelBatchSize`, and each batch is mapped by `decide` on the workers (each with
    /// its own `Context`, made by `makeContext`: open files, a JSON buffer), which gets the item's input ready
    /// (reads its bytes), asks the step and encodes its output there. `write` then takes the results in input
    /// order on this thread. Checks for an interrupt of `stage` before each batch. `weight`: the bytes an item
    /// holds; a batch is also mapped once its items hold `parallelBatchBytes`.
    func mapInParallel<S: IndependentStageStep, Item, Context, Encoded>(
        _ step: S, stage: Stage, items: ((Item) throws -> Void) throws -> Void, weight: @escaping (Item) -> Int = { _ in 0 },
        makeContext: () -> Context, decide: (inout Context, S, Item) throws -> Encoded,
        write: (Encoded) throws -> Void
    ) throws {
        let mapper = ParallelBatchMapper<Context, Item, Encoded>(makeContext: makeContext)
        // `items` calls back into the batching below, which calls `decide` and `write`: both are only used
        // during this call (the compiler cannot see that through `items`).
        try withoutActuallyEscaping(decide) { decide in
            try withoutActuallyEscaping(write) { write in
                func mapBatch(_ batch: [Item]) throws {
                    try Interrupt.safePoint(stage)
                    try mapper.map(batch, { context, item in try decide(&context, step, item) }, each: write)
                }
                var batch = BoundedBatch<Item>(maxCount: Self.parallelBatchSize, maxBytes: Self.parallelBatchBytes)
                try items { item in
                    if batch.add(item, bytes: weight(item)) { try mapBatch(batch.take()) }
                }
                try mapBatch(batch.take())
            }
        }
    }
}
