import Foundation

extension CRMStore {
    /// The SQLite file of a `store:` value (`sqlite:PATH` or a bare path), resolved against `base` when relative.
    /// Throws `.usage` for a store kind this build cannot write.
    public static func path(fromLocation location: String, relativeTo base: URL?) throws -> String {
        var p = location
        if p.hasPrefix("sqlite:") {
            p = String(p.dropFirst("sqlite:".count))
        } else if p.hasPrefix("postgres:") || p.hasPrefix("postgresql:") {
            throw MailroomError(.usage, "a PostgreSQL store is not an SQLite file (sqlite:PATH)", location: location)
        }
        guard !p.isEmpty else { throw MailroomError(.usage, "the store path is empty", location: location) }
        if p.hasPrefix("/") { return URL(fileURLWithPath: p).standardizedFileURL.path }
        let dir = base ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return dir.appendingPathComponent(p).standardizedFileURL.path
    }

    /// The SQLite file a pipeline's `store:` names (default `crm.sqlite` beside the pipeline file); refuses a
    /// PostgreSQL store (`StoreAccess` opens either).
    public static func path(for pipeline: LoadedPipeline) throws -> String {
        switch pipeline.config.store {
        case .sqlite(let p): return try path(fromLocation: "sqlite:" + p, relativeTo: pipeline.directory)
        case .postgres(let url):
            // Named without user or query (PostgresSettings.displayLocation).
            throw MailroomError(.usage, "this needs an SQLite store (sqlite:PATH), and the pipeline's store is PostgreSQL",
                                location: (try? PostgresSettings.parse(uri: url).get())?.displayLocation ?? "postgres")
        }
    }

    /// The SQLite file of the pipeline's store, or nil when its store is PostgreSQL (`StoreAccess`).
    public static func sqlitePath(for pipeline: LoadedPipeline) throws -> String? {
        isPostgres(pipeline) ? nil : try path(for: pipeline)
    }

    /// Whether a `--store` value names a PostgreSQL store (`postgres://…` or `postgresql://…`).
    public static func isPostgres(location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Whether the pipeline's store is PostgreSQL (`store: postgres://…`): loaded by `PGStoreLoader`.
    public static func isPostgres(_ pipeline: LoadedPipeline) -> Bool {
        if case .postgres = pipeline.config.store { return true }
        return false
    }
}
