import Foundation
import MailroomCore

/// The lifecycle checks every command that reads mail makes before it starts: a disconnected mailbox is not
/// synced, backfilled or run (exit 9, `.disconnected`), and a backfill of a mailbox reconnected but not yet synced
/// warns. Reads the store only when it exists (a dry run never creates one).
public enum MailboxGate {
    public enum Purpose: String, Sendable {
        case run, sync, backfill
    }

    /// The mailboxes the command may read: `only` when named (refused with `.disconnected` when that one is
    /// disconnected), else every connected mailbox of the pipeline (refused when none is left). `skipped` names
    /// the disconnected mailboxes left out (`skipNote`); `warnings` are lines for stderr (a backfill of a mailbox
    /// reconnected and not synced since).
    public static func check(_ pipeline: LoadedPipeline, only: String?, purpose: Purpose)
        throws -> (mailboxes: [MailboxConfig], skipped: [String], warnings: [String]) {
        let wanted = try only.map { [try pipeline.config.requireMailbox(named: $0)] } ?? pipeline.config.mailboxes
        let path = try CRMStore.path(for: pipeline)
        // Read-only: a dry run never writes the store. A store not migrated to v2 has no disconnected mailbox.
        guard FileManager.default.fileExists(atPath: path),
              let store = try? CRMStore.open(path: path, readOnly: true) else { return (wanted, [], []) }
        var keep: [MailboxConfig] = []
        var skipped: [String] = []
        var warnings: [String] = []
        for m in wanted {
            let s = try store.mailboxStatus(m.name)
            if s.state == .disconnected {
                if only != nil { throw refusal(pipeline, s, purpose: purpose) }
                skipped.append(m.name)
                continue
            }
            if purpose == .backfill && s.syncPending {
                warnings.append("warning: mailbox \(m.name) was reconnected and has not been synced since: run `mailroom sync \(pipeline.url.lastPathComponent) --mailbox \(m.name)` first, then backfill only the gap it reports")
            }
            keep.append(m)
        }
        if keep.isEmpty, let first = wanted.first {
            throw refusal(pipeline, try store.mailboxStatus(first.name), purpose: purpose)
        }
        return (keep, skipped, warnings)
    }

    /// The note for mailboxes `check` left out, or nil.
    public static func skipNote(_ skipped: [String]) -> String? {
        skipped.isEmpty ? nil : "note: skipping disconnected mailbox\(skipped.count == 1 ? "" : "es") \(skipped.joined(separator: ", ")) (mailroom mailbox reconnect to bring one back)"
    }

    /// The exit-9 error for a disconnected mailbox, saying how to reconnect it.
    public static func refusal(_ pipeline: LoadedPipeline, _ s: MailboxStatus, purpose: Purpose) -> MailroomError {
        let since = s.changedAt.map { " since \($0)" } ?? ""
        let why = s.reason.map { " (\($0))" } ?? ""
        return MailroomError(.disconnected, "mailbox \(s.name) is disconnected\(since)\(why): it is not synced, backfilled or run. Its loaded mail is kept; to sync it again run `mailroom mailbox reconnect \(pipeline.url.path) \(s.name)`",
                             location: s.name)
    }
}
