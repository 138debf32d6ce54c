import Foundation
import GRDB
import MailroomCore

/// The CRM store answers a sync's questions: folder cursors from `cursors`, and the identities of the messages
/// loaded from a folder from `message_copies` joined to `messages` (Message-ID and content hash as normalize
/// computed them).
extension CRMStore: IMAPCursorStore {
    public func imapCursor(mailbox: String, folder: String) throws -> IMAPCursor? {
        let c: FolderCursor? = try cursor(mailbox: mailbox, folder: folder)
        return c.map { IMAPCursor(mailbox: $0.mailbox, folder: $0.folder, uidValidity: UInt64($0.uidValidity),
                                  highestUID: UInt64($0.highestUID)) }
    }

    public func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage] {
        try read("read the identities of the messages loaded from an IMAP folder") { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT m.message_id AS message_id, m.content_hash AS content_hash
                FROM message_copies c JOIN messages m ON m.key = c.message_key
                WHERE c.mailbox = ? AND c.folder = ?
                """, arguments: [mailbox, folder]).map { r in
                IMAPKnownMessage(messageId: r["message_id"], contentHash: r["content_hash"])
            }
        }
    }
}
