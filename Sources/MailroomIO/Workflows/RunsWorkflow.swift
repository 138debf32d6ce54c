import Foundation
import MailroomCore

/// `mailroom runs PIPELINE [--mailbox NAME] [--limit N]`: the run log, newest first.
public enum RunsWorkflow {
    /// The pipeline's run log, newest first; empty while its store does not exist (nothing is created).
    public static func run(pipeline path: String, mailbox: String?, limit: Int?) throws -> [RunLogEntry] {
        let storePath = try CRMStore.path(for: try LoadedPipeline.load(path: path))
        guard FileManager.default.fileExists(atPath: storePath) else { return [] }
        return try CRMStore.open(path: storePath).runs(mailbox: mailbox, limit: limit)
    }
}
