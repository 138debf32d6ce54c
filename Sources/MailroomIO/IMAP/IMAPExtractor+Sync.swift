import Foundation
import MailroomCore

extension IMAPExtractor {
    /// "Sync now": per folder, fetches the UIDs above the stored cursor. A folder without a cursor is backfilled
    /// over `firstWindow` (the pipeline's `backfillDays`). When a folder's UIDVALIDITY changed, every message in it
    /// is re-identified against `store.knownMessages` (`IMAPReidentification`: by content hash, or as dedupe
    /// would merge it by Message-ID, sender and date); only new ones are fetched, and a known Message-ID that is
    /// neither (or a store without identities) stops the folder with `.sourceChanged`.
    ///
    /// The returned cursors are what the caller saves with the loaded rows; this function saves nothing.
    public func sync(store: IMAPCursorStore, firstWindow: DateWindow) throws -> IMAPExtractResult {
        try loadCheckpoint(windowStart: -1, windowEnd: -1)
        var copies: [MessageCopy] = []
        var reports: [IMAPFolderReport] = []
        var cursors: [FolderUIDCursor] = []
        for folder in try folders() {
            let cursor = try store.imapCursor(mailbox: mailbox, folder: folder.name)
            let (c, r) = try extractFolder(folder) { s, status in
                guard let cursor else {
                    return IMAPFolderSelection(uids: try s.uidSearch(IMAPCommand.searchSince(start: firstWindow.start)),
                                               window: firstWindow)
                }
                if let previous = IMAPCursorDecision.previous(stored: cursor.stored,
                                                              uidValidity: status.uidValidity) {
                    let above = try s.uidSearch(IMAPCommand.searchAbove(uid: previous)).filter { $0 > previous }
                    return IMAPFolderSelection(uids: above, window: nil, previous: previous)
                }
                let known = try store.knownMessages(mailbox: self.mailbox, folder: folder.name)
                return IMAPFolderSelection(uids: try self.reidentify(s, folder: folder.name, cursor: cursor, known: known),
                                           window: nil)
            }
            copies += c
            reports.append(r)
            let highest = IMAPCursorDecision.kept(r.highestUID, uidValidity: r.uidValidity,
                                                  stored: cursor?.stored)
            cursors.append(FolderUIDCursor(mailbox: mailbox, folder: folder.name, uidValidity: r.uidValidity, highestUID: highest))
        }
        close()
        return IMAPExtractResult(copies: copies, folders: reports, cursors: cursors)
    }

    /// The UIDs to fetch in a folder whose UIDVALIDITY changed: those whose content the store does not hold.
    /// Reads every message of the folder once (bodies are needed for the content hash), except those whose
    /// announced RFC822.SIZE is over the size limit: no load holds their content (they were quarantined
    /// `too-large`), so they are new, and the folder read records them without their bytes.
    func reidentify(_ s: IMAPSession, folder: String, cursor: FolderUIDCursor, known: [IMAPKnownMessage]) throws -> [UInt64] {
        let plan = IMAPReidentification(known: known)
        guard plan.hasIdentities || cursor.highestUID == 0 else {
            throw MailroomError(.sourceChanged, "mailbox \(mailbox), folder \"\(folder)\": the server renumbered the folder (UIDVALIDITY \(cursor.uidValidity) changed) and the store holds no loaded messages of it to re-identify; the folder was stopped: back it up with `mailroom backfill` into a new run",
                                location: folder)
        }
        var fresh: [UInt64] = []
        var loaded = 0
        for batch in try s.uidSearch(IMAPCommand.searchAll()).chunked(options.batchSize) {
            // A body the server leaves out is taken as new: the folder read asks for it (and reports it if it
            // never comes).
            var tooLarge: [UInt64] = []
            _ = try s.fetchAllowingOmissions(IMAPCommand.fetchListing(batch, gmail: false)) { f in
                if let uid = f.uid, let size = f.size, size > options.maxMessageBytes { tooLarge.append(uid) }
            }
            fresh += tooLarge
            let bodies = batch.filter { !tooLarge.contains($0) }
            guard !bodies.isEmpty else { continue }
            var unanswered = Set(bodies)
            _ = try s.fetchAllowingOmissions(IMAPCommand.fetchBodies(bodies, gmail: false)) { f in
                guard let uid = f.uid, let body = f.body, unanswered.remove(uid) != nil else { return }
                switch plan.verdict(IMAPKnownMessage(bytes: body)) {
                case .loaded: loaded += 1
                case .new: fresh.append(uid)
                case .conflict:
                    throw MailroomError(.sourceChanged, "mailbox \(mailbox), folder \"\(folder)\": the server renumbered the folder (UIDVALIDITY changed) and message UID \(uid) carries the Message-ID of a loaded message with other content and another sender or date, so the loaded messages cannot be matched safely; the folder was stopped and nothing was fetched from it",
                                        location: folder)
                }
            }
            fresh += unanswered
        }
        logger.info("IMAP UIDVALIDITY changed; re-identified", metadata: [
            "mailbox": "\(mailbox)", "folder": "\(folder)", "loaded": "\(loaded)", "new": "\(fresh.count)"])
        return fresh.sorted()
    }
}
