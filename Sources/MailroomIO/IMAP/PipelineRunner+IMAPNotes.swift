import Foundation
import MailroomCore

extension PipelineRunner {
    /// What extract noted about the run's IMAP folders (from each mailbox's `cursors.json`): UIDs the server did
    /// not deliver and cursors held back. Only folders with something to say; empty for a run without IMAP.
    public func imapFolderNotes() throws -> [IMAPFolderNote] {
        var out: [IMAPFolderNote] = []
        for (mailbox, entries) in try imapCursorFiles() {
            for e in entries where !e.missingUIDs.isEmpty || e.note != nil {
                out.append(IMAPFolderNote(mailbox: mailbox, folder: e.folder, missingUIDs: e.missingUIDs, note: e.note))
            }
        }
        return out
    }

    /// The run's "partial" outcome (exit 8): some IMAP folders' messages were not delivered by the server after
    /// the retries; everything else was loaded and those folders' cursors stay below them. Nil when none.
    public func imapPartialError() throws -> MailroomError? {
        let missing = try imapFolderNotes().filter { !$0.missingUIDs.isEmpty }
        guard let first = missing.first else { return nil }
        let n = missing.map(\.missingUIDs.count).reduce(0, +)
        return MailroomError(.partial, "\(n) message\(n == 1 ? "" : "s") not delivered by the server, the rest was processed: "
                             + missing.map(\.line).joined(separator: "; ") + "; run the command again to fetch them",
                             location: "\(first.mailbox)/\(first.folder)")
    }
}
