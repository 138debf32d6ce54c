import Foundation
import MailroomCore

extension PipelineRunner {
    /// Marker file: this run is a "sync now" (IMAP folders fetch above their stored cursors).
    static let imapSyncMarker = "extract/imap-sync.json"

    /// Each IMAP mailbox's proposed cursors, written by extract and saved by load with the loaded rows.
    static func imapCursorsFile(_ mailbox: String) -> String { "extract/raw/\(mailbox)/cursors.json" }

    /// Whether this run syncs (see `markIMAPSync`) instead of backfilling the window.
    public var isIMAPSync: Bool {
        FileManager.default.fileExists(atPath: runDir.fileURL(Self.imapSyncMarker).path)
    }

    /// Makes this run a "sync now": its extract stage fetches, per IMAP folder, what is above the cursor the
    /// store holds (a folder without one: the run's window). Call right after `start`, before running stages.
    public func markIMAPSync() throws {
        try runDir.writeAtomically(Array("{\"mode\":\"sync\"}\n".utf8), to: Self.imapSyncMarker)
    }

    /// The extract stage for one `source: imap` mailbox: the run's window (or, for a sync, what is new since the
    /// store's cursors) from the server into `extract/raw/<mailbox>/` (raw files, copy journals, checkpoint), every
    /// copy written to `writer`, and the folder cursors to save with the load into `extract/raw/<mailbox>/cursors.json`.
    /// A rerun of the stage in the same run directory resumes from the checkpoint and fetches nothing twice.
    func extractIMAPMailbox(_ config: MailboxConfig, writer: NDJSONWriter) throws -> ExtractSummary {
        let directory = pipeline.directory.path
        let run = runDir.url.path
        let summary: ExtractSummary
        let result: IMAPExtractResult
        if isIMAPSync {
            let store = try imapCursorStore()
            (summary, result) = try IMAPMailboxSource.sync(config, pipelineDirectory: directory, runDirectory: run,
                                                             store: store, firstWindow: window, logger: logger) {
                try writer.write($0)
            }
        } else {
            (summary, result) = try IMAPMailboxSource.backfill(config, pipelineDirectory: directory, runDirectory: run,
                                                               window: window, store: try imapCursorStore(),
                                                               logger: logger) { try writer.write($0) }
        }
        try writeIMAPCursors(result.cursors, folders: result.folders, mailbox: config.name)
        for f in result.folders {
            logger.info("imap folder extracted", metadata: [
                "run.id": "\(manifest.runId)", "mailbox": "\(config.name)", "folder": "\(f.folder)",
                "copies": "\(f.copies)", "fetched": "\(f.fetched)", "resumed": "\(f.resumed)", "bytes": "\(f.bytes)",
                "tooLarge": "\(f.tooLarge)", "drafts": "\(f.drafts)"])
        }
        return summary
    }

    /// The pipeline's store (SQLite read-only, or PostgreSQL) as a cursor store; an empty one when the store does
    /// not exist yet.
    func imapCursorStore() throws -> IMAPCursorStore {
        guard let store = try StoreAccess.existing(pipeline, readOnly: true) else {
            return try IMAPFileCursorStore(path: runDir.fileURL("extract/no-store-cursors.json").path)
        }
        return store
    }

    /// Writes the cursors, with each folder's undelivered UIDs (`missingUIDs`) and why its cursor was held back
    /// (`note`) when there is something to say.
    func writeIMAPCursors(_ cursors: [FolderUIDCursor], folders: [IMAPFolderReport] = [], mailbox: String) throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema", "extract.imap-cursors/1")
        w.key("cursors")
        w.beginArray()
        for c in cursors {
            w.beginObject()
            w.field("folder", c.folder)
            w.field("uidValidity", Int(c.uidValidity))
            w.field("highestUID", Int(c.highestUID))
            if let f = folders.first(where: { $0.folder == c.folder }) {
                if !f.missingUIDs.isEmpty {
                    w.key("missingUIDs")
                    w.beginArray()
                    for u in f.missingUIDs { w.int(Int(u)) }
                    w.endArray()
                }
                if let note = f.cursorNote { w.field("note", note) }
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        try runDir.writeAtomically(w.bytes + [10], to: Self.imapCursorsFile(mailbox))
    }

    /// The folder cursors the load stage saves in its last transaction: those extract proposed for the run's IMAP
    /// mailboxes. A cursor never moves back: under the same UIDVALIDITY the higher of stored and proposed wins.
    public func imapCursorsForLoad() throws -> [FolderUIDCursor] {
        var out: [FolderUIDCursor] = []
        let files = try imapCursorFiles()
        guard !files.isEmpty else { return [] }
        let store = try StoreAccess.existing(pipeline, readOnly: true)
        for (mailbox, entries) in files {
            for e in entries {
                let stored: FolderUIDCursor? = try store?.cursor(mailbox: mailbox, folder: e.folder)
                let highest = IMAPCursorDecision.kept(UInt64(e.highestUID), uidValidity: UInt64(e.uidValidity),
                                                      stored: stored?.stored)
                out.append(FolderUIDCursor(mailbox: mailbox, folder: e.folder, uidValidity: UInt64(e.uidValidity), highestUID: highest))
            }
        }
        return out
    }

    /// What the run's window holds on each IMAP mailbox of the run (messages and bytes per folder, from a listing:
    /// no bodies fetched), for the dry run and the planner.
    public func imapListing() throws -> [(mailbox: String, folders: [IMAPListingCount])] {
        var out: [(mailbox: String, folders: [IMAPListingCount])] = []
        for m in manifest.mailboxes where m.source == .imap {
            guard let config = pipeline.config.mailbox(named: m.name) else { continue }
            out.append((m.name, try IMAPMailboxSource.list(config, pipelineDirectory: pipeline.directory.path,
                                                          window: window, logger: logger)))
        }
        return out
    }
}
