import Foundation
import MailroomCore

/// `mailroom review PIPELINE [--store sqlite:PATH|postgres://…]`: the post-load checks over a CRM store (SQLite or
/// PostgreSQL), opened read-only.
public enum ReviewWorkflow {
    /// Reviews the pipeline's store, or the one `store` names (sqlite:PATH, a path, or postgres://…: its password
    /// from libpq's `PGPASSWORD` or `~/.pgpass`).
    public static func run(pipeline path: String, store: String?) throws -> ReviewReport {
        let pipeline = try LoadedPipeline.load(path: path)
        var report = try review(pipeline, store: store)
        report.cleanupPaths = CleanupSuggestions.Paths(pipeline: pipeline.displayPath, contactsFile: nil)
        return report
    }

    private static func review(_ pipeline: LoadedPipeline, store: String?) throws -> ReviewReport {
        if let store, CRMStore.isPostgres(location: store) {
            return try ReviewChecks.run(try PGStore.reading(uri: store))
        }
        if let store {
            return try ReviewChecks.run(try CRMStore.open(path: try CRMStore.path(fromLocation: store, relativeTo: nil),
                                                          readOnly: true))
        }
        return try ReviewChecks.run(try StoreAccess.reading(pipeline))
    }
}
