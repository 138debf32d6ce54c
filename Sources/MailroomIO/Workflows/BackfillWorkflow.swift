import Foundation
import MailroomCore

/// `mailroom backfill PIPELINE [--days N] [--mailbox NAME] [--dry-run]`: the window of the last N days through
/// every stage into a new run directory; with `--dry-run` (`listing`), only what the window holds on each IMAP
/// server, from a listing: no message is fetched, nothing is written.
public enum BackfillWorkflow {
    /// Backfills. A mailbox reconnected and not synced since is warned about first (sync it, then backfill only
    /// the gap it reports). After the load the run log row becomes a `backfill` with the cursors before and after;
    /// a failed or refused backfill is recorded too.
    public static func run(_ request: RunRequest, fault: FaultHook = .process,
                           warn: WarningSink) throws -> RunOutcome {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        for w in try MailboxGate.check(pipeline, only: request.mailbox, purpose: .backfill).warnings { warn(w) }
        let dir = try Workflow.runDirectory(request.runDirectory, pipeline)
        return try Workflow.recordingFailure(pipeline, runDirectory: dir, kind: .backfill,
                                             mailboxes: Workflow.mailboxNames(request, pipeline),
                                             window: Workflow.window(request, pipeline), fault: fault, warn: warn) {
            try Workflow.stagesThroughLoad(pipeline, dir, request, kind: .backfill, warn: warn)
        }
    }

    /// The dry run: each IMAP mailbox's window, counted from a listing; file mailboxes are named, not listed.
    public static func listing(_ request: RunRequest, warn: WarningSink) throws -> BackfillListing {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        let gate = try MailboxGate.check(pipeline, only: request.mailbox, purpose: .backfill)
        for w in gate.warnings { warn(w) }
        let asOf = Workflow.asOfDay(request)
        guard let day = DateWindow.parseDay(asOf) else {
            throw MailroomError(.usage, "--as-of must be a date written YYYY-MM-DD, not '\(asOf)'")
        }
        let days = Workflow.days(request, pipeline)
        let window = DateWindow(asOfDay: day, days: days)
        let mailboxes = try gate.mailboxes.map { m in
            BackfillListing.Mailbox(name: m.name, folders: m.source == .imap
                ? try IMAPMailboxSource.list(m, pipelineDirectory: pipeline.directory.path, window: window) : nil)
        }
        return BackfillListing(window: window, days: days, mailboxes: mailboxes)
    }
}
