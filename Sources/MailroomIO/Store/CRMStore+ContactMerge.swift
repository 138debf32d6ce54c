import Crypto
import Foundation
import MailroomCore

extension MailroomStore {
    /// `contacts merge --keep KEEP ID…`: in one transaction, the emails of each merged contact move to the kept one
    /// (after its own), their participant links and thread links too, the merged contacts are deleted, and the
    /// messages their addresses concern are relinked (`ContactRelinker`: an address two of them shared now links).
    /// The exact rows changed are kept in `contact_merges` (`ContactUndoRows`) for `unmergeContacts`.
    public func mergeContacts(keep: String, merge ids: [String], dryRun: Bool) throws -> ContactCommandResult {
        guard !ids.isEmpty else { throw MailroomError(.usage, "name at least one contact to merge into \(keep)") }
        if ids.contains(keep) { throw MailroomError(.usage, "contact \(TerminalText.clean(keep)) is both kept and merged") }
        if let twice = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
            throw MailroomError(.usage, "contact \(TerminalText.clean(twice)) is named twice")
        }
        let (mergeId, runId, counts, message) = try contactCommand(.contactsMerge, dryRun: dryRun) { db, runId in
            let kept = try CRMStore.requireContact(db, keep)
            let merged = try ids.map { try CRMStore.requireContact(db, $0) }
            var relinker = ContactRelinker()
            for id in [keep] + ids { try relinker.undo.saveContact(db, id) }
            // The kept contact is changed by a command from now on: its contacts file row, when the store has none
            // yet, is the one that made it, so an import of the same row leaves the merge in place.
            try CRMStore.rememberFileRow(db, kept)
            // Emails: the kept contact's, then the merged ones'; other contacts' emails held by a merged one are now
            // held by the kept one.
            for id in [keep] + ids { try relinker.undo.saveEmails(db, of: id) }
            for id in ids {
                let rows = try db.rows("""
                    SELECT contact_id, position, raw, address, key, folded_key, issue FROM contact_emails WHERE issue = ?
                    ORDER BY contact_id, position
                    """, [ContactOverlay.heldByPrefix + id])
                for r in rows where !ids.contains(r[0] ?? "") && r[0] != keep {
                    relinker.undo.emails.append(r)
                }
                try db.exec("UPDATE contact_emails SET issue = ? WHERE issue = ? AND contact_id <> ?",
                            [ContactOverlay.heldByPrefix + keep, ContactOverlay.heldByPrefix + id, keep])
            }
            let emails = ContactEdit.mergedEmails(kept: kept, merged: merged)
            for id in ids { try db.exec("DELETE FROM contact_emails WHERE contact_id = ?", [id]) }
            try CRMStore.writeEmails(db, keep, emails)
            // Participant links move; the thread links of every thread concerned are made again.
            var moved = 0
            for id in ids {
                for r in try db.rows("""
                    SELECT p.message_key, p.role, p.address, p.contact_id, p.rule, m.thread_id FROM participants p
                    JOIN messages m ON m.key = p.message_key WHERE p.contact_id = ? ORDER BY 1, 2, 3
                    """, [id]) {
                    relinker.undo.participants.append(Array(r[0..<5]))
                    relinker.pairs.insert(ThreadContactPair(thread: r[5] ?? "", contact: keep))
                    moved += 1
                }
                for t in try db.rows("SELECT DISTINCT thread_id FROM thread_contacts WHERE contact_id = ?", [id])
                    .compactMap({ $0[0] }) {
                    relinker.pairs.insert(ThreadContactPair(thread: t, contact: id))
                    relinker.pairs.insert(ThreadContactPair(thread: t, contact: keep))
                }
                try db.exec("UPDATE participants SET contact_id = ? WHERE contact_id = ?", [keep, id])
            }
            try relinker.rebuildThreadContacts(db)
            for id in ids { try db.exec("DELETE FROM contacts WHERE id = ?", [id]) }
            try relinker.relink(db, keys: CRMStore.matchKeys(emails), edited: [keep])

            let mergeId = try db.int("SELECT max(id) FROM contact_merges") + 1
            var w = JSONWriter()
            w.beginArray()
            for id in ids { w.string(id) }
            w.endArray()
            try db.exec("""
                INSERT INTO contact_merges(id, run_id, kept, merged, before, after_sha256, undone_run)
                VALUES (?, ?, ?, ?, ?, ?, NULL)
                """, [mergeId, runId, keep, String(decoding: w.bytes, as: UTF8.self), relinker.undo.json,
                                 try CRMStore.mergeFingerprint(db, keep, relinker.undo)])
            var counts = relinker.counts.dictionary
            counts["contactsMerged"] = ids.count
            counts["emailsMoved"] = merged.reduce(0) { $0 + $1.emails.count }
            counts["participantsMoved"] = moved
            let line = "merged \(ids.map(TerminalText.clean).joined(separator: ", ")) into \(TerminalText.clean(keep)) "
                + "(merge \(mergeId)): \(ContactCommandResult.count(counts["emailsMoved"]!, "email")) and "
                + "\(ContactCommandResult.count(moved, "participant link")) moved, "
                + "\(relinker.counts.linksAdded) links added, \(relinker.counts.linksRemoved) removed; undo with "
                + "`mailroom contacts unmerge PIPELINE \(mergeId)`"
            return (mergeId, counts, line)
        }
        return ContactCommandResult(command: "merge", store: location, dryRun: dryRun, runId: runId, mergeId: mergeId,
                                    counts: counts, message: message)
    }

    /// `contacts unmerge MERGE_ID`: puts back the exact rows merge `mergeId` changed (`contact_merges.before`), in
    /// one transaction. Refused (`.usage`) when there is no such merge, it was undone already, or the kept contact's
    /// rows changed since (a later load, merge or email change): restoring them would lose that change.
    public func unmergeContacts(_ mergeId: Int, dryRun: Bool) throws -> ContactCommandResult {
        let (_, runId, counts, message) = try contactCommand(.contactsUnmerge, dryRun: dryRun) { db, runId in
            guard let r = try db.rows("SELECT kept, merged, before, after_sha256, undone_run FROM contact_merges WHERE id = ?",
                                      [mergeId]).first else {
                throw MailroomError(.usage, "no merge \(mergeId) in the store (`mailroom runs` lists the contacts-merge runs)")
            }
            if let undone = r[4] {
                throw MailroomError(.usage, "merge \(mergeId) was undone already (run \(undone))")
            }
            let keep = r[0] ?? ""
            let undo = try ContactUndoRows(json: r[2] ?? "")
            if try CRMStore.mergeFingerprint(db, keep, undo) != r[3] {
                throw MailroomError(.usage, "contact \(TerminalText.clean(keep)) changed since merge \(mergeId) (a later load, "
                                    + "merge or email change): unmerging would lose that change; undo later merges first")
            }
            let merged = (try? JSONParser.parse(Array((r[1] ?? "").utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
            for id in merged {
                if try !db.rows("SELECT 1 FROM contacts WHERE id = ?", [id]).isEmpty {
                    throw MailroomError(.usage, "contact \(TerminalText.clean(id)) exists again (created since merge "
                                        + "\(mergeId)?): merge it into \(TerminalText.clean(keep)) first")
                }
            }
            try undo.restore(db)
            try db.exec("UPDATE contact_merges SET undone_run = ? WHERE id = ?", [runId, mergeId])
            let counts = ["contactsRestored": merged.count, "emailsRestored": undo.emails.count,
                          "participantsRestored": undo.participants.count, "threadLinksRestored": undo.threadContacts.count,
                          "threadsRestored": undo.threads.count]
            let names = merged.map(TerminalText.clean).joined(separator: ", ")
            return ((), counts, "unmerged merge \(mergeId): \(names) restored beside \(TerminalText.clean(keep)) with "
                    + "\(undo.participants.count) participant links and \(undo.threadContacts.count) thread links as they were")
        }
        return ContactCommandResult(command: "unmerge", store: location, dryRun: dryRun, runId: runId, mergeId: mergeId,
                                    counts: counts, message: message)
    }

}

extension CRMStore {
    /// The rows an unmerge would overwrite, as they are now: the kept contact's emails, participant and thread
    /// links, and every other row the undo record restores. Equal to the one saved with the merge while nothing
    /// changed them since.
    static func mergeFingerprint(_ db: any StoreSQL, _ keep: String, _ undo: ContactUndoRows) throws -> String {
        var text = ""
        func add(_ sql: String, _ args: [(any StoreArgument)?]) throws {
            for r in try db.rows(sql, args) {
                text += r.map { $0.map { "'" + $0 } ?? "NULL" }.joined(separator: "|") + "\n"
            }
            text += "--\n"
        }
        try add("SELECT contact_id, position, raw, address, key, folded_key, issue FROM contact_emails WHERE contact_id = ? ORDER BY position", [keep])
        try add("SELECT contact_id, position, issue FROM contact_emails WHERE issue = ? ORDER BY contact_id, position",
                [ContactOverlay.heldByPrefix + keep])
        try add("SELECT message_key, role, address, rule FROM participants WHERE contact_id = ? ORDER BY 1, 2, 3", [keep])
        try add("SELECT thread_id, address, rule FROM thread_contacts WHERE contact_id = ? ORDER BY 1, 2", [keep])
        for p in undo.participants {
            try add("SELECT contact_id, rule FROM participants WHERE message_key = ? AND role = ? AND address = ?",
                    [p[0], p[1], p[2]])
        }
        for p in undo.pairs {
            try add("SELECT address, rule FROM thread_contacts WHERE thread_id = ? AND contact_id = ? ORDER BY 1", [p[0], p[1]])
        }
        for t in undo.threads { try add("SELECT class, proposed_class FROM threads WHERE id = ?", [t[0]]) }
        return NDJSONReader.hex(SHA256.hash(data: Array(text.utf8)))
    }
}
