import Foundation

extension PGConnection {
    /// Connects to the PostgreSQL store a pipeline names (`store: postgres://…`), with the password its `secret:`
    /// gives (read as mailbox secrets are: `env:NAME` or an owner-only `file:PATH` beside the pipeline); without
    /// `secret:`, libpq's own `PGPASSWORD` and `~/.pgpass` apply.
    public static func open(for pipeline: LoadedPipeline,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PGConnection {
        guard case .postgres(let uri) = pipeline.config.store else {
            throw MailroomError(.usage, "the pipeline's store is not a PostgreSQL store", location: pipeline.url.path)
        }
        let settings: PostgresSettings
        switch PostgresSettings.parse(uri: uri) {
        case .success(let s): settings = s
        case .failure(let p): throw MailroomError(.usage, p.message, location: pipeline.url.path)
        }
        let password = try pipeline.config.storeSecret.map {
            try IMAPSecret.load($0, baseDirectory: pipeline.directory.path, owner: "the PostgreSQL store", environment: environment)
        }
        return try connect(settings, password: password, environment: environment)
    }
}
