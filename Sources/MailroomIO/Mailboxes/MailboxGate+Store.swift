import Foundation
import MailroomCore

extension MailboxGate {
    /// The mailboxes the command may read (`decide`, on the states the store records): `only` when named (refused
    /// with `.disconnected` when that one is disconnected), else every connected mailbox of the pipeline (refused
    /// when none is left). Reads the store only when it exists (a dry run never creates one).
    public static func check(_ pipeline: LoadedPipeline, only: String?, purpose: Purpose)
        throws -> (mailboxes: [MailboxConfig], skipped: [String], warnings: [String]) {
        let wanted = try only.map { [try pipeline.config.requireMailbox(named: $0)] } ?? pipeline.config.mailboxes
        _ = try CRMStore.sqlitePath(for: pipeline)  // an SQLite location that is not usable is refused here
        // Read-only: a dry run never writes the store. A store not migrated to v2 has no disconnected mailbox.
        guard let store = try? StoreAccess.existing(pipeline, readOnly: true) else { return (wanted, [], []) }
        return try decide(try wanted.map { ($0, try store.mailboxStatus($0.name)) }, only: only, purpose: purpose,
                          pipelineFile: pipeline.url.lastPathComponent, pipelinePath: pipeline.url.path)
    }
}
