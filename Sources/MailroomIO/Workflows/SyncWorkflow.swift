import Foundation
import MailroomCore

/// `mailroom sync PIPELINE [--mailbox NAME]`: "sync now". Each IMAP folder fetches what is above the cursor the
/// store holds (a folder without a cursor: the window), then the run goes through every stage and load saves the
/// new cursors with the loaded rows. File mailboxes are read over the same window.
public enum SyncWorkflow {
    /// Syncs. After the load the run log row becomes a `sync` with the cursors before and after, and the
    /// mailboxes' "reconnected, not synced yet" mark is cleared. A failed or refused sync is recorded too.
    public static func run(_ request: RunRequest, fault: FaultHook = .process,
                           warn: WarningSink) throws -> RunOutcome {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        let dir = try Workflow.runDirectory(request.runDirectory, pipeline)
        return try Workflow.recordingFailure(pipeline, runDirectory: dir, kind: .sync,
                                             mailboxes: Workflow.mailboxNames(request, pipeline), window: nil,
                                             fault: fault, warn: warn) {
            try Workflow.stagesThroughLoad(pipeline, dir, request, kind: .sync, warn: warn) { try $0.markIMAPSync() }
        }
    }
}
