import Foundation
import MailroomCore

/// The CRM store (SQLite or PostgreSQL) answers a sync's questions: folder cursors from `cursors`, and the
/// identities of the messages loaded from a folder from `message_copies`, `messages` and their From
/// `participants` (Message-ID, content hash, date and sender as normalize computed them).
extension MailroomStore {
    public func imapCursor(mailbox: String, folder: String) throws -> FolderUIDCursor? {
        try cursor(mailbox: mailbox, folder: folder)
    }

    public func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage] {
        try readSQL("read the identities of the messages loaded from an IMAP folder") { db in
            try db.rows("""
                SELECT m.message_id, m.content_hash, m.date,
                       (SELECT \(db.lines("p.address")) FROM participants p
                        WHERE p.message_key = m.key AND p.role = 'from') AS senders
                FROM messages m
                WHERE m.key IN (SELECT message_key FROM message_copies WHERE mailbox = ? AND folder = ?)
                """, [mailbox, folder]).map { r in
                IMAPKnownMessage(messageId: r[0], contentHash: r[1] ?? "", date: r[2],
                                 sender: CRMStore.sender(storedFrom: r[3]))
            }
        }
    }
}

extension CRMStore {
    /// A message's sender as dedupe compares it (`MessageDeduplicator.sender`) from its From participants'
    /// addresses as stored, one a line: re-normalized to match keys.
    static func sender(storedFrom: String?) -> String {
        MessageDeduplicator.sender((storedFrom ?? "").split(separator: "\n").map { a in
            AddressNormalizer.parse(String(a))?.key ?? String(a).lowercased()
        })
    }
}
