import Foundation
import MailroomCore

/// `mailroom store dump PIPELINE [--data]`: the canonical dump of the pipeline's store (`StoreDump`).
public enum StoreDumpWorkflow {
    /// The dump, one line per row and a final newline (empty when the store has no rows). Reads the store only.
    /// A PostgreSQL store is refused (usage): this build does not load one yet.
    public static func run(pipeline path: String, dataOnly: Bool) throws -> String {
        let loaded = try LoadedPipeline.load(path: path)
        if case .postgres(let uri) = loaded.config.store {
            let place = (try? PostgresSettings.parse(uri: uri).get())?.displayLocation ?? "postgres"
            throw MailroomError(.usage, "PostgreSQL stores are not loaded by this build yet, so there is nothing to dump; store dump reads SQLite stores (sqlite:PATH)",
                                location: place)
        }
        let store = try CRMStore.open(path: try CRMStore.path(for: loaded), readOnly: true)
        let text = try StoreDump.canonical(store, scope: dataOnly ? .data : .all)
        return text.isEmpty ? "" : text + "\n"
    }
}
