import Foundation
import MailroomCore

extension PGStore {
    /// `mailroom relink` on PostgreSQL: `CRMStore.relinkPass` over the connection. A dry run reads in one
    /// read-only transaction and writes nothing; otherwise the command's lock (`PGCommandLock`) is held and every
    /// change, with a `relink` run log row, commits in one transaction, as on SQLite.
    public func relink(_ settings: CRMStore.RelinkSettings, runId: String, now: @escaping () -> Date = { Date() }) throws
        -> RelinkSummary {
        if settings.dryRun {
            return try readSQL("read the store for the relink") { db in
                var s = try CRMStore.relinkPass(db, settings, apply: false)
                s.runId = nil
                return s
            }
        }
        let held = try PGCommandLock.acquire(connection, runId: runId, mailboxes: commandMailboxes + settings.owners.keys)
        defer { PGCommandLock.release(connection, held) }
        let started = FileLock.isoUTC(now())
        return try writeSQL("relink the store") { db in
            var s = try CRMStore.relinkPass(db, settings, apply: true)
            s.runId = runId
            try CRMStore.recordRun(db, RunLogEntry(
                id: runId, kind: .relink, mailboxes: settings.owners.keys.sorted(), startedAt: started,
                finishedAt: FileLock.isoUTC(now()), status: .ok, counts: s.counts, message: s.message))
            return s
        }
    }
}
