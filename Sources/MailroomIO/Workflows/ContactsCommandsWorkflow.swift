import Foundation
import MailroomCore

/// `mailroom contacts duplicates|merge|unmerge|add-email|remove-email|export PIPELINE …`: each works on the
/// pipeline's SQLite store in one transaction with its run-log row (`--dry-run`: the same work rolled back, nothing
/// written, nothing logged). A PostgreSQL store is refused with one line (exit 2); a store that does not exist yet
/// is exit 4.
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
        let path = try CRMStore.path(for: loaded)
        guard FileManager.default.fileExists(atPath: path) else {
            throw MailroomError(.store, "no store here yet: load a run or import contacts first", location: path)
        }
        let store = try CRMStore.open(path: path)
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
}
