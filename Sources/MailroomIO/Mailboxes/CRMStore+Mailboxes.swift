import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// Makes sure the mailbox has its row (a mailbox named in the pipeline but never loaded has none yet).
    public static func ensureMailbox(_ db: Database, _ name: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO mailboxes(name) VALUES (?)", arguments: [name])
    }

    /// The mailbox's state; a mailbox without a row is connected and has never been synced.
    public static func mailboxStatus(_ db: Database, _ name: String) throws -> MailboxStatus {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT state, state_changed_at, state_reason, credentials_ref, sync_pending FROM mailboxes WHERE name = ?
            """, arguments: [name]) else { return MailboxStatus(name: name) }
        return MailboxStatus(name: name, state: MailboxStatus.State(rawValue: r["state"]) ?? .connected,
                             changedAt: r["state_changed_at"], reason: r["state_reason"],
                             credentialsRef: r["credentials_ref"], syncPending: (r["sync_pending"] as Int? ?? 0) != 0)
    }

    public func mailboxStatus(_ name: String) throws -> MailboxStatus {
        try read("read the mailbox state") { db in try CRMStore.mailboxStatus(db, name) }
    }

    /// What relies on the mailbox, by kind then name.
    public static func dependents(_ db: Database, of mailbox: String) throws -> [MailboxDependent] {
        try Row.fetchAll(db, sql: """
            SELECT kind, name, added_at FROM mailbox_dependents WHERE mailbox = ? ORDER BY kind, name
            """, arguments: [mailbox]).map { r in
            MailboxDependent(mailbox: mailbox, kind: MailboxDependent.Kind(rawValue: r["kind"]) ?? .owner,
                             name: r["name"], addedAt: r["added_at"])
        }
    }

    public func dependents(of mailbox: String) throws -> [MailboxDependent] {
        try read("read the mailbox dependents") { db in try CRMStore.dependents(db, of: mailbox) }
    }

    /// Records that `name` relies on the mailbox. Returns false when it was already recorded.
    @discardableResult
    public func addDependent(mailbox: String, kind: MailboxDependent.Kind, name: String,
                             now: Date = Date()) throws -> Bool {
        try write("add a mailbox dependent") { db in
            try CRMStore.ensureMailbox(db, mailbox)
            try db.execute(sql: """
                INSERT OR IGNORE INTO mailbox_dependents(mailbox, kind, name, added_at) VALUES (?, ?, ?, ?)
                """, arguments: [mailbox, kind.rawValue, name, FileLock.isoUTC(now)])
            return db.changesCount > 0
        }
    }

    /// Removes a dependent. Returns false when there was none with that kind and name.
    @discardableResult
    public func removeDependent(mailbox: String, kind: MailboxDependent.Kind, name: String) throws -> Bool {
        try write("remove a mailbox dependent") { db in
            try db.execute(sql: "DELETE FROM mailbox_dependents WHERE mailbox = ? AND kind = ? AND name = ?",
                           arguments: [mailbox, kind.rawValue, name])
            return db.changesCount > 0
        }
    }

    /// The folder cursors of a mailbox, by folder, for the run log.
    public static func runCursors(_ db: Database, mailbox: String) throws -> [RunLogEntry.Cursor] {
        try Row.fetchAll(db, sql: """
            SELECT folder, uidvalidity, highest_uid FROM cursors WHERE mailbox = ? ORDER BY folder
            """, arguments: [mailbox]).map {
            RunLogEntry.Cursor(folder: $0["folder"], uidValidity: $0["uidvalidity"], highestUID: $0["highest_uid"])
        }
    }

    /// Whether each folder cursor of the mailbox may be trusted as it is (false after a disconnect).
    public func cursorAuthority(mailbox: String) throws -> [String: Bool] {
        try read("read the folder cursors") { db in
            var out: [String: Bool] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT folder, authoritative FROM cursors WHERE mailbox = ?",
                                      arguments: [mailbox]) {
                out[r["folder"]] = (r["authoritative"] as Int) != 0
            }
            return out
        }
    }

    /// The newest loaded message date (ISO 8601 UTC) of the mailbox, over all its folders.
    public static func newestLoaded(_ db: Database, mailbox: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT max(m.date) FROM message_copies c JOIN messages m ON m.key = c.message_key WHERE c.mailbox = ?
            """, arguments: [mailbox])
    }
}
