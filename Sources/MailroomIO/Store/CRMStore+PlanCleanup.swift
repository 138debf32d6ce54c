import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// What the run log and the contacts say about cleanup after the last load (`mailroom plan`): the newest
    /// finished load, sync or backfill, whether a relink or contacts command finished after it, and how many
    /// duplicate contact groups the store holds. `unmatched` comes from the plan's own dry run.
    public func planCleanup(pipeline: String, unmatched: [UnmatchedAddress]) throws -> PlanCleanup {
        try read("read the run log") { db in
            let last = try Row.fetchOne(db, sql: """
                SELECT started_at, rowid FROM runs WHERE kind IN ('load', 'sync', 'backfill') AND status IN ('ok', 'partial')
                ORDER BY started_at DESC, rowid DESC LIMIT 1
                """)
            let lastLoad: String? = last?[0]
            var cleaned = false
            if let last {
                // After the load: started later, or in the same second and written after it.
                cleaned = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS(SELECT 1 FROM runs WHERE (kind = 'relink' OR kind LIKE 'contacts%') AND status = 'ok'
                                  AND (started_at > ? OR (started_at = ? AND rowid > ?)))
                    """, arguments: [last[0] as String, last[0] as String, last[1] as Int64]) ?? false
            }
            let contacts = try CRMStore.relinkContacts(db)
            let groups = ContactDuplicates.groups(ContactOverlay.writtenKeys(contacts.imported + contacts.created))
            return PlanCleanup(pipeline: pipeline, lastLoad: lastLoad, cleanedSinceLoad: cleaned,
                               duplicateGroups: groups.count, unmatched: unmatched)
        }
    }
}
