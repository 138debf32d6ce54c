import Foundation
import MailroomCore

/// Disconnecting and reconnecting mailboxes, in either store.
extension MailroomStore {
    /// Disconnects a mailbox: sync and sending stop (state `disconnected`, with time and reason), the credentials
    /// reference is removed, folder cursors are kept but no longer authoritative, and every loaded message, thread
    /// and link stays. Refused (`.usage`) while anything relies on the mailbox, unless `replaceWith` (a connected
    /// mailbox that takes the shared users and email flows) or `force` is given. Recorded in the run log.
    public func disconnect(_ mailbox: String, replaceWith: String? = nil, force: Bool = false,
                           reason: String? = nil, now: Date = Date()) throws -> DisconnectOutcome {
        let stamp = FileLock.isoUTC(now)
        let runId = "disconnect-\(mailbox)-\(Int(now.timeIntervalSince1970 * 1000))"
        return try writeSQL("disconnect the mailbox") { db in
            try CRMStore.ensureMailbox(db, mailbox)
            let before = try CRMStore.mailboxStatus(db, mailbox)
            let deps = try CRMStore.dependents(db, of: mailbox)
            if let other = replaceWith {
                guard other != mailbox else {
                    throw MailroomError(.usage, "--replace-with names the mailbox being disconnected; name another one",
                                        location: mailbox)
                }
                let o = try CRMStore.mailboxStatus(db, other)
                guard o.state == .connected else {
                    throw MailroomError(.usage, "cannot move dependents to \(other): it is disconnected too; reconnect it first (mailroom mailbox reconnect)",
                                        location: other)
                }
            } else if !deps.isEmpty && !force {
                let list = deps.map(\.label).joined(separator: ", ")
                throw MailroomError(.usage, "\(deps.count) dependent\(deps.count == 1 ? "" : "s") rely on mailbox \(mailbox): \(list); give --replace-with OTHER to move the shared users and email flows to another connected mailbox, or --force to disconnect anyway (they will stop working)",
                                    location: mailbox)
            }
            var moved: [MailboxDependent] = []
            if let other = replaceWith {
                try CRMStore.ensureMailbox(db, other)
                for d in deps where d.kind.movesOnReplace {
                    try db.exec("""
                        INSERT INTO mailbox_dependents(mailbox, kind, name, added_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (mailbox, kind, name) DO NOTHING
                        """, [other, d.kind.rawValue, d.name, stamp])
                    try db.exec("DELETE FROM mailbox_dependents WHERE mailbox = ? AND kind = ? AND name = ?",
                                [mailbox, d.kind.rawValue, d.name])
                    moved.append(MailboxDependent(mailbox: other, kind: d.kind, name: d.name, addedAt: stamp))
                }
            }
            let why = reason ?? "disconnected by mailroom mailbox disconnect"
            try db.exec("""
                UPDATE mailboxes SET state = 'disconnected', state_changed_at = ?, state_reason = ?,
                    credentials_ref = NULL, sync_pending = 0 WHERE name = ?
                """, [stamp, why, mailbox])
            try db.exec("UPDATE cursors SET authoritative = 0 WHERE mailbox = ?", [mailbox])
            let cursors = try CRMStore.runCursors(db, mailbox: mailbox)
            let messages = try db.int("""
                SELECT count(DISTINCT message_key) FROM message_copies WHERE mailbox = ?
                """, [mailbox])
            let threads = try db.int("""
                SELECT count(DISTINCT m.thread_id) FROM messages m JOIN message_copies c ON c.message_key = m.key
                WHERE c.mailbox = ?
                """, [mailbox])
            var message = "disconnected \(mailbox) (\(why)); kept \(NumberText.grouped(messages)) messages in "
                + "\(NumberText.grouped(threads)) threads and \(cursors.count) folder cursors (not authoritative until a sync confirms UIDVALIDITY)"
            if let other = replaceWith { message += "; moved \(moved.count) dependents to \(other)" }
            let left = deps.count - moved.count
            if left > 0 { message += "; \(left) dependents still name it\(force ? " (--force)" : "")" }
            try CRMStore.recordRun(db, RunLogEntry(
                id: runId, kind: .disconnect, mailboxes: [mailbox] + (replaceWith.map { [$0] } ?? []),
                startedAt: stamp, finishedAt: stamp, status: .ok,
                counts: ["messagesKept": messages, "threadsKept": threads, "dependentsMoved": moved.count,
                         "dependents": deps.count],
                message: message, cursorBefore: cursors, cursorAfter: cursors))
            return DisconnectOutcome(mailbox: mailbox, dependents: deps, moved: moved, replacement: replaceWith,
                                     messagesKept: messages, threadsKept: threads, cursorsKept: cursors.count,
                                     wasDisconnected: before.state == .disconnected, runId: runId)
        }
    }

    /// Re-enables a mailbox (state `connected`, `sync_pending` until a sync succeeds), keeps where its secret comes
    /// from (never the secret), and records the reconnect in the run log. Returns the state it had before.
    @discardableResult
    public func reconnect(_ mailbox: String, credentialsRef: String?, now: Date = Date()) throws -> MailboxStatus {
        let stamp = FileLock.isoUTC(now)
        return try writeSQL("reconnect the mailbox") { db in
            try CRMStore.ensureMailbox(db, mailbox)
            let before = try CRMStore.mailboxStatus(db, mailbox)
            try db.exec("""
                UPDATE mailboxes SET state = 'connected', state_changed_at = ?, state_reason = 'reconnected',
                    credentials_ref = ?, sync_pending = 1 WHERE name = ?
                """, [stamp, credentialsRef, mailbox])
            let was = before.state == .disconnected ? "disconnected since \(before.changedAt ?? "?")" : "connected"
            try CRMStore.recordRun(db, RunLogEntry(
                id: "reconnect-\(mailbox)-\(Int(now.timeIntervalSince1970 * 1000))", kind: .reconnect, mailboxes: [mailbox],
                startedAt: stamp, finishedAt: stamp, status: .ok,
                message: "reconnected \(mailbox) (was \(was)); a sync follows",
                cursorBefore: try CRMStore.runCursors(db, mailbox: mailbox)))
            return before
        }
    }

    /// Records where a connected mailbox's secret comes from (`env:NAME` or `file:PATH`, never the secret).
    public func setCredentialsRef(_ mailbox: String, _ ref: String) throws {
        try writeSQL("record the credentials reference") { db in
            _ = try db.exec("UPDATE mailboxes SET credentials_ref = ? WHERE name = ? AND state = 'connected'",
                        [ref, mailbox])
        }
    }

    /// A sync of the mailbox succeeded: a backfill no longer warns.
    public func markSynced(_ mailbox: String) throws {
        try writeSQL("record the sync") { db in
            _ = try db.exec("UPDATE mailboxes SET sync_pending = 0 WHERE name = ?", [mailbox])
        }
    }
}
