import GRDB

/// mbox copy ids before the copy identity (`MboxCopyIdentity`) were byte offsets: `<mailbox>/<folder>/<offset>`.
/// A store loaded by such a version keeps those rows; the next load of the same mbox brings the same copies
/// under their new ids (`<mailbox>/<folder>/<16 hex digits>[.N]`), and then removes each old row whose message
/// now has a new-id row in the same mailbox and folder. No old row is ever pointed at another message (new ids
/// never equal old ones); an old row whose message the mbox no longer holds stays, as any copy row does.
/// An old tail is at most 15 digits (a new one is 16 hex digits, which may all be digits).
/// Maildir (unique names), .eml (paths) and IMAP (`<uidvalidity>-<uid>`) ids never have a tail of digits
/// alone, and no migration is needed: the rows are only removed once a load has confirmed the new ones. It runs
/// after a load that brought mbox copies into a store that held copies before (it scans every copy row).
extension StoreLoader {
    static func removeSupersededOffsetCopies(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM message_copies
            WHERE length(copy_id) > length(mailbox) + length(folder) + 2
              AND length(copy_id) < length(mailbox) + length(folder) + 18
              AND substr(copy_id, 1, length(mailbox) + length(folder) + 2) = mailbox || '/' || folder || '/'
              AND substr(copy_id, length(mailbox) + length(folder) + 3) NOT GLOB '*[^0-9]*'
              AND EXISTS (
                SELECT 1 FROM message_copies n
                WHERE n.message_key = message_copies.message_key AND n.mailbox = message_copies.mailbox
                  AND n.folder = message_copies.folder AND n.copy_id <> message_copies.copy_id
                  AND length(n.copy_id) >= length(n.mailbox) + length(n.folder) + 18
                  AND substr(n.copy_id, length(n.mailbox) + length(n.folder) + 3, 16) NOT GLOB '*[^0-9a-f]*')
            """)
    }
}
