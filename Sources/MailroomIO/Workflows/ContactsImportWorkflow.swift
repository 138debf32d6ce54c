import Foundation
import MailroomCore

/// `mailroom contacts import FILE.csv (--pipeline PIPELINE | --store sqlite:PATH|postgres://…)`: contacts are inserted or
/// updated by id, never duplicated; an address already on another contact is not saved twice.
public enum ContactsImportWorkflow {
    /// Imports `file` into the pipeline's store (`pipeline`) or the store `store` names. A file with fatal
    /// problems is refused whole (`FileIssuesError`, every problem with its line); the others are warned about
    /// (`warn`), one line each, before the import.
    public static func run(file: String, pipeline: String?, store: String?, warn: WarningSink) throws -> ContactsImportResult {
        let path: String?
        let loaded = try pipeline.map { try LoadedPipeline.load(path: $0) }
        if let loaded {
            path = try CRMStore.sqlitePath(for: loaded)
        } else if let store, CRMStore.isPostgres(location: store) {
            path = nil
        } else {
            path = try CRMStore.path(fromLocation: store ?? "", relativeTo: nil)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MailroomError(.input, "cannot read the contacts file (missing or unreadable)", location: file)
        }
        let (contacts, issues) = ContactsCSV.parse([UInt8](data))
        let fatal = issues.filter(\.fatal)
        if !fatal.isEmpty {
            throw FileIssuesError(status: .input, file: file,
                                  issues: fatal)
        }
        for i in issues where !i.fatal { warn("mailroom: warning: \(file):\(i.line ?? 0): \(i.detail)") }
        let runId = "contacts-" + WallClock.timestamp()
        if let path {
            let summary = try CRMStore.open(path: path).importContacts(contacts, runId: runId)
            return ContactsImportResult(store: path, contacts: contacts.count, summary: summary, issues: issues.count)
        }
        // No SQLite path: the pipeline's store is PostgreSQL (`store: postgres://…`), or `--store postgres://…`.
        guard let pg = try loaded.map({ try PGStore.open(for: $0, create: true) })
                ?? store.map({ try PGStore.open(uri: $0, create: true) }) ?? nil else {
            throw MailroomError(.internalError, "contacts import has no store to write")
        }
        let summary = try pg.importContacts(contacts, runId: runId)
        return ContactsImportResult(store: pg.location, contacts: contacts.count, summary: summary, issues: issues.count)
    }
}
