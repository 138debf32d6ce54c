import Foundation
import MailroomCore

/// `mailroom run PIPELINE [--dry-run]`: every stage into a new run directory, the report, and (unless a dry run)
/// the load into the pipeline's store.
public enum RunWorkflow {
    /// Runs the pipeline. A load takes the store's lock before the first stage, so a second run against the same
    /// store stops at once; the report's pass over the messages overlaps match. A failed run is recorded in the run
    /// log (not a dry run: it never writes the store) and its empty reserved directory removed.
    public static func run(_ request: RunRequest, fault: FaultHook = .process,
                           warn: WarningSink) throws -> RunOutcome {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        let dir = try Workflow.runDirectory(request.runDirectory, pipeline)
        return try Workflow.recordingFailure(pipeline, runDirectory: dir, kind: request.dryRun ? nil : .load,
                                             mailboxes: Workflow.mailboxNames(request, pipeline),
                                             window: Workflow.window(request, pipeline), fault: fault, warn: warn) {
            try stages(pipeline, dir, request, warn: warn)
        }
    }

    static func stages(_ pipeline: LoadedPipeline, _ dir: URL, _ request: RunRequest,
                       warn: WarningSink) throws -> RunOutcome {
        // A PostgreSQL store is held by the loader's advisory lock instead (`PGStoreLoader`).
        let storeLock = request.dryRun || CRMStore.isPostgres(pipeline) ? nil : try FileLock.acquire(
            path: CRMStore.lockPath(for: try CRMStore.path(for: pipeline)), what: "store \(try CRMStore.path(for: pipeline))")
        defer { storeLock?.release() }
        // Reach the PostgreSQL store (secret, host, login) and take the mailboxes' load locks before the first stage
        // rather than after the last: a second worker for the same mailbox stops at once.
        let session = request.dryRun || !CRMStore.isPostgres(pipeline) ? nil
            : try Workflow.postgresLoadSession(pipeline, dir, request)
        defer { session?.close() }
        let runner = try PipelineRunner.start(pipeline: pipeline, runDirectory: dir,
                                              options: Workflow.options(request, pipeline))
        runner.heldStoreSession = session
        runner.showProgress(quiet: request.quiet)
        try runner.run(through: .dedupe, matchFollows: true)
        let prepass = try runner.startReport()
        do {
            try runner.run(.match)
        } catch {
            prepass.cancel()
            throw error
        }
        let report = try runner.report(after: prepass)
        let load = request.dryRun ? nil : try runner.run(.load)
        if load != nil { Workflow.completeRunLog(runner, warn: warn) { try RunLogRecorder.noteIMAP(runner) } }
        return try Workflow.outcome(runner, report: report, load: load)
    }
}
