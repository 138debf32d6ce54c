/// The lifecycle checks every command that reads mail makes before it starts: a disconnected mailbox is not
/// synced, backfilled or run (exit 9, `.disconnected`), and a backfill of a mailbox reconnected but not yet synced
/// warns. These are the rules, on the mailboxes' states as given; `check` (MailroomIO, `MailboxGate+Store.swift`)
/// reads the states from the store, and only when it exists (a dry run never creates one).
public enum MailboxGate {
    public enum Purpose: String, Sendable {
        case run, sync, backfill
    }

    /// The mailboxes the command may read, of `wanted` (each with its state, in the pipeline's order): every one
    /// when `only` is nil, except the disconnected ones (refused when none is left); with `only` (then `wanted` is
    /// that one mailbox) refused with `.disconnected` when it is disconnected. `skipped` names the disconnected
    /// mailboxes left out (`skipNote`); `warnings` are lines for stderr (a backfill of a mailbox reconnected and
    /// not synced since). `pipelineFile` and `pipelinePath` are the pipeline file's name and path, for the
    /// commands the lines suggest.
    public static func decide(_ wanted: [(config: MailboxConfig, status: MailboxStatus)], only: String?,
                              purpose: Purpose, pipelineFile: String, pipelinePath: String)
        throws -> (mailboxes: [MailboxConfig], skipped: [String], warnings: [String]) {
        var keep: [MailboxConfig] = []
        var skipped: [String] = []
        var warnings: [String] = []
        for (m, s) in wanted {
            if s.state == .disconnected {
                if only != nil { throw refusal(pipelinePath: pipelinePath, s, purpose: purpose) }
                skipped.append(m.name)
                continue
            }
            if purpose == .backfill && s.syncPending {
                warnings.append("warning: mailbox \(m.name) was reconnected and has not been synced since: run `mailroom sync \(pipelineFile) --mailbox \(m.name)` first, then backfill only the gap it reports")
            }
            keep.append(m)
        }
        if keep.isEmpty, let first = wanted.first {
            throw refusal(pipelinePath: pipelinePath, first.status, purpose: purpose)
        }
        return (keep, skipped, warnings)
    }

    /// The note for mailboxes `check` left out, or nil.
    public static func skipNote(_ skipped: [String]) -> String? {
        skipped.isEmpty ? nil : "note: skipping disconnected mailbox\(skipped.count == 1 ? "" : "es") \(skipped.joined(separator: ", ")) (mailroom mailbox reconnect to bring one back)"
    }

    /// The exit-9 error for a disconnected mailbox, saying how to reconnect it.
    public static func refusal(pipelinePath: String, _ s: MailboxStatus, purpose: Purpose) -> MailroomError {
        let since = s.changedAt.map { " since \($0)" } ?? ""
        let why = s.reason.map { " (\($0))" } ?? ""
        return MailroomError(.disconnected, "mailbox \(s.name) is disconnected\(since)\(why): it is not synced, backfilled or run. Its loaded mail is kept; to sync it again run `mailroom mailbox reconnect \(pipelinePath) \(s.name)`",
                             location: s.name)
    }
}
