import Foundation
import MailroomCore

extension PipelineRunner {
    /// What extract noted about the run's IMAP folders (from each mailbox's `cursors.json`): UIDs the server did
    /// not deliver and cursors held back. Only folders with something to say; empty for a run without IMAP.
    public func imapFolderNotes() throws -> [IMAPFolderNote] {
        var out: [IMAPFolderNote] = []
        for m in manifest.mailboxes where m.source == .imap {
            let url = runDir.fileURL(Self.imapCursorsFile(m.name))
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let o = try JSONObject(try JSONParser.parse([UInt8](data)), what: "cursor file")
            for c in try o.array("cursors", { $0 }) {
                let co = try JSONObject(c, what: "cursor")
                let missing = co.has("missingUIDs") ? try co.array("missingUIDs") { UInt64($0.intValue ?? 0) } : []
                let note = try co.optionalString("note")
                guard !missing.isEmpty || note != nil else { continue }
                out.append(IMAPFolderNote(mailbox: m.name, folder: try co.string("folder"), missingUIDs: missing, note: note))
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
                             + missing.map(\.line).joined(separator: "; ") + "; run the command again (or `mailroom sync`) to fetch them",
                             location: "\(first.mailbox)/\(first.folder)")
    }
}
