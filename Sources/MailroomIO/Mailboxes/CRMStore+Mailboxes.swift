import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// Makes sure the mailbox has its row (a mailbox named in the pipeline but never loaded has none yet).
    public static func ensureMailbox(_ db: any StoreSQL, _ name: String) throws {
        try db.exec("INSERT INTO mailboxes(name) VALUES (?) ON CONFLICT (name) DO NOTHING", [name])
    }

    /// The mailbox's state; a mailbox without a row is connected and has never been synced.
    public static func mailboxStatus(_ db: any StoreSQL, _ name: String) throws -> MailboxStatus {
        guard let r = try db.rows("""
            SELECT state, state_changed_at, state_reason, credentials_ref, sync_pending FROM mailboxes WHERE name = ?
            """, [name]).first else { return MailboxStatus(name: name) }
        return MailboxStatus(name: name, state: MailboxStatus.State(rawValue: r[0] ?? "") ?? .connected,
                             changedAt: r[1], reason: r[2], credentialsRef: r[3], syncPending: StoreRow.flag(r[4]))
    }

    /// What relies on the mailbox, by kind then name.
    public static func dependents(_ db: any StoreSQL, of mailbox: String) throws -> [MailboxDependent] {
        try db.rows("""
            SELECT kind, name, added_at FROM mailbox_dependents WHERE mailbox = ? ORDER BY kind, name
            """, [mailbox]).map { r in
            MailboxDependent(mailbox: mailbox, kind: MailboxDependent.Kind(rawValue: r[0] ?? "") ?? .owner,
                             name: r[1] ?? "", addedAt: r[2] ?? "")
        }
    }

    /// The folder cursors of a mailbox, by folder, for the run log.
    public static func runCursors(_ db: any StoreSQL, mailbox: String) throws -> [RunLogEntry.Cursor] {
        try db.rows("""
            SELECT folder, uidvalidity, highest_uid FROM cursors WHERE mailbox = ? ORDER BY folder
            """, [mailbox]).map {
            RunLogEntry.Cursor(folder: $0[0] ?? "", uidValidity: Int($0[1] ?? "") ?? 0, highestUID: Int($0[2] ?? "") ?? 0)
        }
    }

    /// The newest loaded message date (ISO 8601 UTC) of the mailbox, over all its folders.
    public static func newestLoaded(_ db: any StoreSQL, mailbox: String) throws -> String? {
        try db.value("""
            SELECT max(m.date) FROM message_copies c JOIN messages m ON m.key = c.message_key WHERE c.mailbox = ?
            """, [mailbox])
    }
}

/// The mailboxes' states and dependents, in either store.
extension MailroomStore {
    public func mailboxStatus(_ name: String) throws -> MailboxStatus {
        try readSQL("read the mailbox state") { db in try CRMStore.mailboxStatus(db, name) }
    }

    public func dependents(of mailbox: String) throws -> [MailboxDependent] {
        try readSQL("read the mailbox dependents") { db in try CRMStore.dependents(db, of: mailbox) }
    }

    /// Records that `name` relies on the mailbox. Returns false when it was already recorded.
    @discardableResult
    public func addDependent(mailbox: String, kind: MailboxDependent.Kind, name: String,
                             now: Date = Date()) throws -> Bool {
        try writeSQL("add a mailbox dependent") { db in
            try CRMStore.ensureMailbox(db, mailbox)
            return try db.exec("""
                INSERT INTO mailbox_dependents(mailbox, kind, name, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (mailbox, kind, name) DO NOTHING
                """, [mailbox, kind.rawValue, name, FileLock.isoUTC(now)]) > 0
        }
    }

    /// Removes a dependent. Returns false when there was none with that kind and name.
    @discardableResult
    public func removeDependent(mailbox: String, kind: MailboxDependent.Kind, name: String) throws -> Bool {
        try writeSQL("remove a mailbox dependent") { db in
            try db.exec("DELETE FROM mailbox_dependents WHERE mailbox = ? AND kind = ? AND name = ?",
                        [mailbox, kind.rawValue, name]) > 0
        }
    }

    /// Whether each folder cursor of the mailbox may be trusted as it is (false after a disconnect).
    public func cursorAuthority(mailbox: String) throws -> [String: Bool] {
        try readSQL("read the folder cursors") { db in
            var out: [String: Bool] = [:]
            for r in try db.rows("SELECT folder, authoritative FROM cursors WHERE mailbox = ?", [mailbox]) {
                out[r[0] ?? ""] = StoreRow.flag(r[1])
            }
            return out
        }
    }
}
