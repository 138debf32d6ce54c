import Foundation
import MailroomCore

/// `mailroom stage STAGE --run DIR`: reruns one stage of a run directory from its predecessor's files; later
/// stages become stale.
public enum StageWorkflow {
    /// The stage's manifest entry, the later stages now stale, and the exit-8 outcome of a server that did not
    /// deliver some messages (after extract or load).
    public struct Outcome {
        public var record: StageRecord
        public var nowStale: [Stage]
        public var partial: MailroomError?
    }

    /// Reruns `stage`. An interrupted load that had started has its run log row say `interrupted`, not `running`
    /// (a row that cannot be written is said through `warn`). After match the report's cache is written; after a
    /// load its run log row gets the IMAP notes.
    public static func run(_ stage: Stage, runDirectory: String, quiet: Bool, fault: FaultHook = .process,
                           warn: WarningSink) throws -> Outcome {
        let runner = try PipelineRunner.resume(runDirectory: URL(fileURLWithPath: runDirectory))
        runner.showProgress(quiet: quiet)
        let record: StageRecord
        do {
            record = try runner.run(stage)
        } catch let e as InterruptedError {
            do {
                try RunLogRecorder.recordInterrupted(runner.pipeline, runId: runner.manifest.runId, kind: .load,
                                                     mailboxes: runner.manifest.mailboxes.map(\.name), window: nil,
                                                     error: e, createIfMissing: false, fault: fault)
            } catch {
                warn("mailroom: warning: the run log row \(runner.manifest.runId) could not be marked interrupted (\(Workflow.reason(error))); `mailroom runs` may show that run still running")
            }
            throw e
        }
        if stage == .match { _ = try runner.report() }
        if stage == .load { Workflow.completeRunLog(runner, warn: warn) { try RunLogRecorder.noteIMAP(runner) } }
        let stale = stage.downstream.filter { runner.manifest.stages[$0]?.status == .stale }
        // Messages a server did not deliver (extract noted them; load keeps the cursors below them): exit 8.
        let partial = stage == .extract || stage == .load ? try runner.imapPartialError() : nil
        return Outcome(record: record, nowStale: stale, partial: partial)
    }
}
