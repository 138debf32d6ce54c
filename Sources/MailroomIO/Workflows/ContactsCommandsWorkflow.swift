import Foundation
import MailroomCore

/// `mailroom contacts duplicates|merge|unmerge|add-email|remove-email|export PIPELINE …`: each works on the
/// pipeline's store (SQLite or PostgreSQL) in one transaction with its run-log row (`--dry-run`: the same work rolled
/// back, nothing written, nothing logged). A store that does not exist yet is exit 4.
public enum ContactsCommandsWorkflow {
    public enum Command: Sendable {
        case duplicates
        case merge(keep: String, ids: [String])
        case unmerge(mergeId: String)
        case addEmail(id: String, address: String)
        case removeEmail(id: String, address: String)
        case export(file: String)
    }

    public static func run(_ command: Command, pipeline: String, dryRun: Bool) throws -> ContactCommandResult {
        var result = try result(command, pipeline: pipeline, dryRun: dryRun)
        result.pipeline = pipeline
        return result
    }

    private static func result(_ command: Command, pipeline: String, dryRun: Bool) throws -> ContactCommandResult {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let store = try store(loaded, missing: "no store here yet: load a run or import contacts first")
        switch command {
        case .duplicates:
            return try store.contactDuplicates(dryRun: dryRun)
        case .merge(let keep, let ids):
            return try store.mergeContacts(keep: keep, merge: ids, dryRun: dryRun)
        case .unmerge(let id):
            guard let n = Int(id), n > 0 else {
                throw MailroomError(.usage, "MERGE_ID must be the number `contacts merge` printed, not '\(TerminalText.clean(id))'")
            }
            return try store.unmergeContacts(n, dryRun: dryRun)
        case .addEmail(let id, let address):
            return try store.addContactEmail(id, address, dryRun: dryRun)
        case .removeEmail(let id, let address):
            return try store.removeContactEmail(id, address, dryRun: dryRun)
        case .export(let file):
            var result = try store.exportContacts(dryRun: dryRun) { bytes in
                do {
                    try PrivateFiles.writeAtomically(bytes, to: file)
                } catch let e as MailroomError {
                    throw MailroomError(.localIO, "cannot write the contacts file: \(e.message)", location: file)
                }
            }
            result.message += dryRun ? " (not written: dry run)" : " to \(file)"
            return result
        }
    }

    /// The pipeline's existing store, opened for writing (an SQLite file is migrated, a PostgreSQL store too); a
    /// store that does not exist yet is refused (`.store`, `missing`). A PostgreSQL store's command lock also
    /// covers the pipeline's mailboxes (`PGCommandLock`).
    static func store(_ pipeline: LoadedPipeline, missing: String) throws -> any MailroomStore {
        if let path = try CRMStore.sqlitePath(for: pipeline) {
            guard FileManager.default.fileExists(atPath: path) else { throw MailroomError(.store, missing, location: path) }
            return try CRMStore.open(path: path)
        }
        guard let pg = try PGStore.open(for: pipeline, create: false) else {
            var location = "postgres"
            if case .postgres(let url) = pipeline.config.store,
               let settings = try? PostgresSettings.parse(uri: url).get() { location = settings.displayLocation }
            throw MailroomError(.store, missing, location: location)
        }
        pg.commandMailboxes = pipeline.config.mailboxes.map(\.name)
        return pg
    }
}
