import Foundation
import MailroomCore

/// `mailroom runs PIPELINE [--mailbox NAME] [--limit N]`: the run log, newest first.
public enum RunsWorkflow {
    /// The pipeline's run log, newest first; empty while its store does not exist (nothing is created).
    public static func run(pipeline path: String, mailbox: String?, limit: Int?) throws -> [RunLogEntry] {
        guard let store = try StoreAccess.existing(try LoadedPipeline.load(path: path), readOnly: false) else { return [] }
        return try store.runs(mailbox: mailbox, limit: limit)
    }
}
