import Foundation
import MailroomCore

/// Which stages run together, in one place. Every stage can run on its own (`run(_:)`: it reads its
/// predecessor's files); a run of several fuses some of them to read less and use every core:
///
/// - In a fresh local run, extract feeds normalize (overlapped on a thread), and normalize feeds dedupe's first
///   pass: `runExtractAndNormalize(feeding:)` with a `DedupeFirstPass` that `runDedupe(firstPass:)` takes.
/// - When match follows dedupe in the same runner, dedupe's second pass feeds match's first pass (threading and
///   the report's message counts) as it writes each message line: `MatchFirstPass`, which `runMatch()` takes.
/// - Match refreshes dedupe's contact files when the contacts file changed since dedupe ran
///   (`refreshDedupeContacts()`), so that fixing contacts and rerunning match alone takes effect.
/// - The report's first part is read while match runs (`startReport()`, `PipelineRunner+Report.swift`).
///
/// The files, counts and manifest inputs of fused stages are the ones they write when run one after the other.
extension PipelineRunner {
    /// Runs stages in order, from `from` through `through`. `matchFollows`: this runner runs match next (a run
    /// through dedupe that starts the report's first part before match), so dedupe makes match's first pass.
    public func run(from: Stage = .extract, through last: Stage, matchFollows: Bool = false) throws {
        var first = from
        var dedupeFirstPass: DedupeFirstPass?
        let feedMatch = last >= .match || matchFollows
        if from == .extract, last >= .normalize, manifest.stages.isEmpty,
           manifest.mailboxes.allSatisfy({ $0.source != .imap }) {
            // A fresh local run: extract feeds normalize, and normalize feeds dedupe's first pass when dedupe
            // runs next.
            dedupeFirstPass = last >= .dedupe ? try DedupeFirstPass(runDir) : nil
            try runExtractAndNormalize(feeding: dedupeFirstPass)
            first = .dedupe
        }
        for s in Stage.allCases where s >= first && s <= last {
            if s == .dedupe {
                try drive(.dedupe) {
                    try runDedupe(firstPass: dedupeFirstPass,
                                  feeding: feedMatch ? MatchFirstPass(subjectJoinDays: pipeline.config.subjectJoinDays) : nil)
                }
            } else {
                try run(s)
            }
        }
    }

    /// Batches of copies (of `parallelBatchSize`) in flight from extract to normalize, at most.
    static let overlapBatchesInFlight = 4
    /// Message bytes a batch from extract to normalize carries, at most: a batch is handed on early when its
    /// copies' bytes (`NormalizeItem.bytes`) reach this, so that the queue holds a few MiB of mail, not 4 × 512
    /// messages.
    static let overlapBatchBytes = 256 << 10

    /// Extract and normalize of a new run at once: extract scans on a thread of its own and hands each batch of
    /// copies to normalize (which parses on all cores) as soon as it has written them, instead of normalize
    /// reading `extract/messages.ndjson` back afterwards. The files, counts and manifest inputs are the ones the
    /// two stages write when run one after the other.
    ///
    /// Recorded as two stages: extract with its own thread's wall and CPU time; normalize from the same start to
    /// its end, with the rest of the CPU time. Either failing fails both, and neither is recorded; normalize
    /// never puts its files in place when extract did not complete.
    func runExtractAndNormalize(feeding dedupe: DedupeFirstPass?) throws {
        let started = WallClock.timestamp()
        let startedSeconds = Date().timeIntervalSince1970
        let t0 = WallClock.nowMillis()
        let cpu0 = WallClock.cpuMillis()
        logger.info("stage started", metadata: ["run.id": "\(manifest.runId)", "stage.name": "extract+normalize"])
        runDir.progressStage = Stage.normalize.rawValue
        let channel = BatchChannel<NormalizeItem>(capacity: Self.overlapBatchesInFlight)
        let producer = JoinableThread { [self] () -> (result: StageResult, wallMs: Int, cpuMs: Int) in
            let w0 = WallClock.nowMillis(), c0 = WallClock.threadCPUMillis()
            do {
                var batch = BoundedBatch<NormalizeItem>(maxCount: Self.parallelBatchSize, maxBytes: Self.overlapBatchBytes)
                let result = try runExtract { copy, bytes in
                    if batch.add(NormalizeItem(copy: copy, bytes: bytes), bytes: bytes?.count ?? 0) {
                        try channel.send(batch.take())
                    }
                }
                if !batch.items.isEmpty { try channel.send(batch.take()) }
                channel.finish()
                return (result, Int(WallClock.nowMillis() - w0), Int(WallClock.threadCPUMillis() - c0))
            } catch {
                channel.finish(error: error)
                throw error
            }
        }
        let shown = runDir.display("extract/messages.ndjson")
        var normalized: StageResult
        do {
            var done = 0
            normalized = try normalize(shown: shown, extractStarted: startedSeconds, feeding: dedupe) { each in
                while let batch = try channel.receive() {
                    for item in batch { try each(item) }
                    done += batch.count
                    runDir.progress?.update(stage: Stage.normalize.rawValue, done: done)
                }
            }
            runDir.progress?.finish()
        } catch {
            channel.cancel()
            // The producer's own error, when it failed first, is the one worth reporting.
            if case .failure(let e) = Result(catching: { try producer.wait() }), !(e is BatchChannel<NormalizeItem>.Cancelled) {
                throw e
            }
            throw error
        }
        let extracted = try producer.wait()
        guard let output = extracted.result.outputs.first(where: { $0.file == "extract/messages.ndjson" }) else {
            throw MailroomError(.internalError, "extract wrote no messages file", location: shown)
        }
        normalized.inputs = [inputRecord(output)]
        try record(.extract, extracted.result, startedAt: started, durationMs: extracted.wallMs,
                   cpuMs: extracted.cpuMs)
        let totalCPU = Int(WallClock.cpuMillis() - cpu0)
        try record(.normalize, normalized, startedAt: started, durationMs: Int(WallClock.nowMillis() - t0),
                   cpuMs: max(0, totalCPU - extracted.cpuMs))
    }

    /// Whether dedupe's contact files were made from another contacts file than the pipeline's as it is now, or
    /// from other store contacts than the store holds now (a contacts command or a load since dedupe ran).
    func dedupeContactsAreStale() throws -> Bool {
        let inputs = manifest.stages[.dedupe]?.inputs ?? []
        let recorded = inputs.first { $0.name.hasPrefix("contacts:") }?.fingerprint
        if try contactsFileSHA().map({ "sha256:\($0)" }) != recorded { return true }
        let recordedStore = inputs.first { $0.name == Self.storeContactsInput }?.fingerprint
        return try CRMStore.storedContacts(for: pipeline)?.fingerprint != recordedStore
    }

    /// Match's part of dedupe: writes dedupe's contact files again from the contacts file and records them in
    /// dedupe's manifest entry (noted as refreshed by match). Returns the new `dedupe/contacts.ndjson`.
    func refreshDedupeContacts() throws -> FileSummary {
        let refreshed = try writeContacts()
        if var d = manifest.stages[.dedupe] {
            d.outputs = d.outputs.filter { !$0.file.hasPrefix("dedupe/contact") } + refreshed.outputs
            d.inputs = d.inputs.filter { !$0.name.hasPrefix("contacts:") && $0.name != Self.storeContactsInput }
                + refreshed.inputs
            d.counts.merge(refreshed.counts) { _, b in b }
            d.note = "contacts refreshed by match at \(WallClock.timestamp())"
            manifest.stages[.dedupe] = d
        }
        logger.info("contacts file or store contacts changed since dedupe: contact files refreshed")
        return refreshed.outputs[0]
    }
}

/// Dedupe's first pass (`DedupeScan`), fed by normalize as it writes each message line, in the same process:
/// the scan and the dropped copies' file (not yet in place). Dedupe takes it instead of reading normalize's
/// file an extra time; when dedupe does not take it, the file is dropped with the writer.
final class DedupeFirstPass {
    var scan = DedupeScan()
    let dropped: NDJSONWriter
    /// The normalize file the scan was made from, once normalize has put it in place.
    var input: FileSummary?

    init(_ runDir: RunDirectory) throws {
        dropped = try runDir.writer("dedupe/duplicates.ndjson", schema: DroppedCopy.schema)
    }

    /// Feeds the next message line's identity fields.
    func feed(_ fields: NormalizedDedupeFields) throws {
        try scan.feed(fields) { try dropped.write($0) }
    }
}

/// Match's first pass (`ThreadBuilder`, and the report's message counts that come with the same read), fed by
/// dedupe's second pass as it writes each message line, in the same process, from the fields it read of
/// normalize's line (`NormalizedIdentityThreadReportFields`): match takes it instead of reading and decoding
/// dedupe's messages file back. Abandoned (and its memory freed) when a line's fields cannot be had that way;
/// match then reads the file itself, and names whatever is wrong with it as it always does.
final class MatchFirstPass {
    private(set) var builder: ThreadBuilder
    private(set) var messagePart = ReportBuilder.MessagePart()
    /// Byte offset of each line of dedupe's messages file, then the end of the last (`ThreadAssignment` reads a
    /// few lines again by them).
    private(set) var lineStart: [Int] = [0]
    private(set) var abandoned = false
    /// The dedupe messages file it was made from, once dedupe has put it in place.
    var input: FileSummary?

    init(subjectJoinDays: Int) {
        builder = ThreadBuilder(subjectJoinDays: subjectJoinDays)
    }

    func reserveCapacity(messages: Int) {
        builder.reserveCapacity(messages: messages)
        lineStart.reserveCapacity(messages + 1)
    }

    /// The next line dedupe wrote (`lineBytes` long, without its newline) and match's fields of it; nil: they
    /// could not be had, and the pass is abandoned.
    func add(_ fields: DedupedThreadReportFields?, lineBytes: Int) {
        guard !abandoned else { return }
        guard let fields else {
            abandoned = true
            builder = ThreadBuilder()
            messagePart = ReportBuilder.MessagePart()
            lineStart = []
            return
        }
        lineStart.append(lineStart[lineStart.count - 1] + lineBytes + 1)
        messagePart.add(message: fields.report)
        builder.add(ThreadInput(fields.thread))
    }
}
