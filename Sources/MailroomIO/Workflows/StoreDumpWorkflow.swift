import Foundation
import MailroomCore

/// `mailroom store dump PIPELINE [--data]`: the canonical dump of the pipeline's store (`StoreDump`).
public enum StoreDumpWorkflow {
    /// The dump, one line per row and a final newline (empty when the store has no rows). Reads the store only.
    /// A PostgreSQL store (`store: postgres://…`) is read over one connection, in one snapshot.
    public static func run(pipeline path: String, dataOnly: Bool) throws -> String {
        let loaded = try LoadedPipeline.load(path: path)
        let text: String
        if case .postgres = loaded.config.store {
            let c = try PGConnection.open(for: loaded)
            defer { c.close() }
            text = try StoreDump.canonical(c, scope: dataOnly ? .data : .all)
            return text.isEmpty ? "" : text + "\n"
        }
        let store = try CRMStore.open(path: try CRMStore.path(for: loaded), readOnly: true)
        text = try StoreDump.canonical(store, scope: dataOnly ? .data : .all)
        return text.isEmpty ? "" : text + "\n"
    }
}
