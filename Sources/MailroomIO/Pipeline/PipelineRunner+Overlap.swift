import Foundation
import MailroomCore

extension PipelineRunner {
    /// Batches of copies (of `normalizeBatchSize`) in flight from extract to normalize, at most.
    static let overlapBatchesInFlight = 4

    /// Extract and normalize of a new run at once: extract scans on a thread of its own and hands each batch of
    /// copies to normalize (which parses on all cores) as soon as it has written them, instead of normalize
    /// reading `extract/messages.ndjson` back afterwards. The files, counts and manifest inputs are the ones the
    /// two stages write when run one after the other.
    ///
    /// Recorded as two stages: extract with its own thread's wall and CPU time; normalize from the same start to
    /// its end, with the rest of the CPU time. Either failing fails both, and neither is recorded; normalize
    /// never puts its files in place when extract did not complete.
    func runExtractAndNormalize() throws {
        let started = WallClock.timestamp()
        let startedSeconds = Date().timeIntervalSince1970
        let t0 = WallClock.nowMillis()
        let cpu0 = WallClock.cpuMillis()
        logger.info("stage started", metadata: ["run.id": "\(manifest.runId)", "stage.name": "extract+normalize"])
        runDir.progressStage = Stage.normalize.rawValue
        let channel = BatchChannel<MessageCopy>(capacity: Self.overlapBatchesInFlight)
        let producer = JoinableThread { [self] () -> (result: StageResult, wallMs: Int, cpuMs: Int) in
            let w0 = WallClock.nowMillis(), c0 = WallClock.threadCPUMillis()
            do {
                var batch: [MessageCopy] = []
                batch.reserveCapacity(Self.normalizeBatchSize)
                let result = try runExtract { copy in
                    batch.append(copy)
                    if batch.count == Self.normalizeBatchSize {
                        try channel.send(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try channel.send(batch) }
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
            normalized = try normalize(shown: shown, scanForDedupe: true, extractStarted: startedSeconds) { each in
                while let batch = try channel.receive() {
                    for copy in batch { try each(copy) }
                    done += batch.count
                    runDir.progress?.update(stage: Stage.normalize.rawValue, done: done)
                }
            }
            runDir.progress?.finish()
        } catch {
            channel.cancel()
            // The producer's own error, when it failed first, is the one worth reporting.
            if case .failure(let e) = Result(catching: { try producer.wait() }), !(e is BatchChannel<MessageCopy>.Cancelled) {
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
}
