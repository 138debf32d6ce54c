import Foundation
import MailroomCore

extension IMAPExtractor {
    /// "Sync now": per folder, fetches the UIDs above the stored cursor. A folder without a cursor is backfilled
    /// over `firstWindow` (the pipeline's `backfillDays`). When a folder's UIDVALIDITY changed, its messages are
    /// re-identified by Message-ID, size and content hash against `store.knownMessages`; only new ones are
    /// fetched, and when the mapping cannot be confirmed the folder stops with `.sourceChanged`.
    ///
    /// The returned cursors (and `known` identities of the new copies, by folder) are what the caller saves
    /// with the loaded rows; this function does not save them.
    public func sync(store: IMAPCursorStore, firstWindow: DateWindow) throws -> IMAPExtractResult {
        try loadCheckpoint(windowStart: -1, windowEnd: -1)
        var copies: [MessageCopy] = []
        var reports: [IMAPFolderReport] = []
        var cursors: [IMAPCursor] = []
        for folder in try folders() {
            let cursor = try store.cursor(mailbox: mailbox, folder: folder.name)
            let known = try store.knownMessages(mailbox: mailbox, folder: folder.name)
            let (c, r) = try extractFolder(folder) { s, status in
                guard let cursor else {
                    return (try s.uidSearch(IMAPCommand.searchSince(start: firstWindow.start)), { firstWindow.contains($0) })
                }
                if cursor.uidValidity == status.uidValidity {
                    let above = try s.uidSearch(IMAPCommand.searchAbove(uid: cursor.highestUID)).filter { $0 > cursor.highestUID }
                    return (above, nil)
                }
                return (try self.reidentify(s, folder: folder.name, cursor: cursor, known: known), nil)
            }
            copies += c
            reports.append(r)
            var highest = r.highestUID
            if let cursor, cursor.uidValidity == r.uidValidity { highest = max(highest, cursor.highestUID) }
            cursors.append(IMAPCursor(mailbox: mailbox, folder: folder.name, uidValidity: r.uidValidity, highestUID: highest))
        }
        close()
        return IMAPExtractResult(copies: copies, folders: reports, cursors: cursors)
    }

    /// The UIDs to fetch in a folder whose UIDVALIDITY changed: those the store does not already hold.
    func reidentify(_ s: IMAPSession, folder: String, cursor: IMAPCursor, known: [IMAPKnownMessage]) throws -> [UInt64] {
        let all = try s.uidSearch(IMAPCommand.searchAll())
        guard !known.isEmpty || cursor.highestUID == 0 else {
            throw MailroomError(.sourceChanged, "mailbox \(mailbox), folder \"\(folder)\": the server renumbered the folder (UIDVALIDITY \(cursor.uidValidity) is now another value) and the store holds no identities to re-identify the loaded messages; run a backfill of this folder into a new run to reload it",
                                location: folder)
        }
        var server: [IMAPReidentification.ServerMessage] = []
        for batch in all.chunked(options.batchSize) {
            try s.fetch(IMAPCommand.fetchMessageIDs(Array(batch))) { f in
                server.append(.init(uid: f.uid!, messageId: f.headerFields.flatMap { IMAPReidentification.messageId(inHeader: $0) },
                                    size: f.size ?? 0))
            }
        }
        let plan = IMAPReidentification(known: known, server: server)
        var hashes: [UInt64: String] = [:]
        for batch in plan.needHash.chunked(options.batchSize) {
            try s.fetch(IMAPCommand.fetchBodies(Array(batch), gmail: false)) { f in
                if let b = f.body { hashes[f.uid!] = IMAPReidentification.sha256(b) }
            }
        }
        guard let mapped = plan.finish(hashes: hashes) else {
            throw MailroomError(.sourceChanged, "mailbox \(mailbox), folder \"\(folder)\": the server renumbered the folder (UIDVALIDITY changed) and a message with a known Message-ID now has different content, so the loaded messages cannot be matched safely; the folder was stopped, nothing was fetched from it",
                                location: folder)
        }
        logger.info("IMAP UIDVALIDITY changed; re-identified", metadata: [
            "mailbox": "\(mailbox)", "folder": "\(folder)", "loaded": "\(mapped.alreadyLoaded.count)", "new": "\(mapped.new.count)"])
        return mapped.new
    }
}
