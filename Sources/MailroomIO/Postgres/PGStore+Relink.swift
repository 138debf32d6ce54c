import Foundation
import MailroomCore

extension PGStore {
    /// `mailroom relink` on PostgreSQL (`relinkHolding`), holding the command's lock (`PGCommandLock`) instead of
    /// SQLite's lock file.
    public func relink(_ settings: CRMStore.RelinkSettings, runId: String, now: @escaping () -> Date = { Date() }) throws
        -> RelinkSummary {
        try relinkHolding(settings, runId: runId, now: now) {
            let held = try PGCommandLock.acquire(connection, runId: runId, mailboxes: commandMailboxes + settings.owners.keys)
            return { PGCommandLock.release(self.connection, held) }
        }
    }
}
