import Foundation
import MailroomCore

/// `mailroom review PIPELINE [--store sqlite:PATH]`: the post-load checks over a CRM store, opened read-only.
public enum ReviewWorkflow {
    /// Reviews the pipeline's store, or the one `store` names (sqlite:PATH or a path).
    public static func run(pipeline path: String, store: String?) throws -> ReviewReport {
        let pipeline = try LoadedPipeline.load(path: path)
        let storePath = try store.map { try CRMStore.path(fromLocation: $0, relativeTo: nil) } ?? CRMStore.path(for: pipeline)
        return try ReviewChecks.run(try CRMStore.open(path: storePath, readOnly: true))
    }
}
