import Foundation
import GRDB
import MailroomCore

extension CRMStore {
    /// The cursor of a mailbox's folder, inside the caller's transaction (nil when never saved). A row with a
    /// negative number (the store was edited by hand) is refused as a damaged store, never trapped on.
    public static func cursor(_ db: any StoreSQL, mailbox: String, folder: String) throws -> FolderUIDCursor? {
        guard let r = try db.rows("""
            SELECT uidvalidity, highest_uid FROM cursors WHERE mailbox = ? AND folder = ?
            """, [mailbox, folder]).first else { return nil }
        let v = Int64(r[0] ?? "") ?? -1, h = Int64(r[1] ?? "") ?? -1
        guard let uidValidity = UInt64(exactly: v), let highestUID = UInt64(exactly: h) else {
            throw MailroomError(.store, "the folder cursor of mailbox \(mailbox), folder \"\(folder)\" holds a negative "
                                + "number (UIDVALIDITY \(v), UID \(h)): the store is damaged")
        }
        return FolderUIDCursor(mailbox: mailbox, folder: folder, uidValidity: uidValidity, highestUID: highestUID)
    }

    /// Saves a folder's cursor inside the caller's transaction, so that it commits with the rows it covers.
    /// A saved cursor is authoritative again (a disconnect had marked it not to be trusted unconfirmed).
    public static func saveCursor(_ db: Database, _ c: FolderUIDCursor, now: Date = Date()) throws {
        try db.execute(sql: """
            INSERT INTO cursors(mailbox, folder, uidvalidity, highest_uid, updated_at, authoritative)
            VALUES (?, ?, ?, ?, ?, 1)
            ON CONFLICT(mailbox, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                highest_uid = excluded.highest_uid, updated_at = excluded.updated_at, authoritative = 1
            """, arguments: [c.mailbox, c.folder, Int64(c.uidValidity), Int64(c.highestUID),
                                    FileLock.isoUTC(now)])
    }

    /// Saves a folder's cursor in its own transaction.
    public func saveCursor(_ c: FolderUIDCursor, now: Date = Date()) throws {
        try write("save the folder cursor") { db in try CRMStore.saveCursor(db, c, now: now) }
    }
}

extension MailroomStore {
    /// The cursor of a mailbox's folder (its own read transaction).
    public func cursor(mailbox: String, folder: String) throws -> FolderUIDCursor? {
        try readSQL("read the folder cursor") { db in try CRMStore.cursor(db, mailbox: mailbox, folder: folder) }
    }
}
