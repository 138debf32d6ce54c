import Foundation
import GRDB

/// How far an IMAP folder has been read: the folder's UIDVALIDITY and the highest UID committed to the store.
public struct FolderCursor: Sendable, Equatable {
    public var mailbox: String
    public var folder: String
    public var uidValidity: Int
    public var highestUID: Int

    public init(mailbox: String, folder: String, uidValidity: Int, highestUID: Int) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.highestUID = highestUID
    }
}

extension CRMStore {
    /// The cursor of a mailbox's folder, inside the caller's transaction (nil when never saved).
    public static func cursor(_ db: Database, mailbox: String, folder: String) throws -> FolderCursor? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT uidvalidity, highest_uid FROM cursors WHERE mailbox = ? AND folder = ?
            """, arguments: [mailbox, folder]) else { return nil }
        return FolderCursor(mailbox: mailbox, folder: folder, uidValidity: r["uidvalidity"],
                            highestUID: r["highest_uid"])
    }

    /// Saves a folder's cursor inside the caller's transaction, so that it commits with the rows it covers.
    /// A saved cursor is authoritative again (a disconnect had marked it not to be trusted unconfirmed).
    public static func saveCursor(_ db: Database, _ c: FolderCursor, now: Date = Date()) throws {
        try db.execute(sql: """
            INSERT INTO cursors(mailbox, folder, uidvalidity, highest_uid, updated_at, authoritative)
            VALUES (?, ?, ?, ?, ?, 1)
            ON CONFLICT(mailbox, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                highest_uid = excluded.highest_uid, updated_at = excluded.updated_at, authoritative = 1
            """, arguments: [c.mailbox, c.folder, c.uidValidity, c.highestUID, FileLock.isoUTC(now)])
    }

    /// The cursor of a mailbox's folder (its own read transaction).
    public func cursor(mailbox: String, folder: String) throws -> FolderCursor? {
        try read("read the folder cursor") { db in try CRMStore.cursor(db, mailbox: mailbox, folder: folder) }
    }

    /// Saves a folder's cursor in its own transaction.
    public func saveCursor(_ c: FolderCursor, now: Date = Date()) throws {
        try write("save the folder cursor") { db in try CRMStore.saveCursor(db, c, now: now) }
    }
}
