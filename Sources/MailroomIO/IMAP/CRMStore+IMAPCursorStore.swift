import Foundation
import GRDB
import MailroomCore

/// The CRM store answers a sync's questions: folder cursors from `cursors`, and the identities of the messages
/// loaded from a folder from `message_copies`, `messages` and their From `participants` (Message-ID, content
/// hash, date and sender as normalize computed them).
extension CRMStore: IMAPCursorStore {
    public func imapCursor(mailbox: String, folder: String) throws -> FolderUIDCursor? {
        try cursor(mailbox: mailbox, folder: folder)
    }

    public func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage] {
        try read("read the identities of the messages loaded from an IMAP folder") { db in
            try Row.fetchAll(db, sql: """
                SELECT m.message_id AS message_id, m.content_hash AS content_hash, m.date AS date,
                       (SELECT group_concat(p.address, char(10)) FROM participants p
                        WHERE p.message_key = m.key AND p.role = 'from') AS senders
                FROM messages m
                WHERE m.key IN (SELECT message_key FROM message_copies WHERE mailbox = ? AND folder = ?)
                """, arguments: [mailbox, folder]).map { r in
                IMAPKnownMessage(messageId: r["message_id"], contentHash: r["content_hash"], date: r["date"],
                                 sender: Self.sender(storedFrom: r["senders"]))
            }
        }
    }

    /// A message's sender as dedupe compares it (`MessageDeduplicator.sender`) from its From participants'
    /// addresses as stored, one a line: re-normalized to match keys.
    static func sender(storedFrom: String?) -> String {
        MessageDeduplicator.sender((storedFrom ?? "").split(separator: "\n").map { a in
            AddressNormalizer.parse(String(a))?.key ?? String(a).lowercased()
        })
    }
}
