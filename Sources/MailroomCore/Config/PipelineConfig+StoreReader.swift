import Yams

extension ConfigReader {
    /// `store:` (`sqlite:PATH`, `postgres://…` or `postgresql://…`) and, for PostgreSQL, `secret:` beside it.
    mutating func store(_ e: [String: (key: Node, value: Node)]) -> (StoreLocation, SecretReference?) {
        var store = StoreLocation.sqlite(path: "crm.sqlite")
        if let s = string(e, "store", required: false, context: "the pipeline") {
            if s.hasPrefix("sqlite:"), s.count > 7 {
                store = .sqlite(path: String(s.dropFirst(7)))
            } else if s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") {
                // Never echo the URI in a message: a refused one may hold a password.
                if case .failure(let p) = PostgresSettings.parse(uri: s) { add(e["store"]?.value, p.message) }
                store = .postgres(url: s)
            } else {
                add(e["store"]?.value, "'store' must be sqlite:PATH or a postgres:// URL")
            }
        }
        guard let (key, _) = e["secret"] else { return (store, nil) }
        guard case .postgres = store else {
            add(key, "'secret' at the top of the pipeline is the PostgreSQL store's password and applies only to a postgres:// store (a mailbox's secret goes inside that mailbox)")
            return (store, nil)
        }
        guard let s = string(e, "secret", required: false, context: "the pipeline") else { return (store, nil) }
        switch SecretReference.parse(s) {
        case .success(let r): return (store, r)
        // Never echo the value: it may be the password itself.
        case .failure(let p):
            add(e["secret"]?.value, "'secret' of the store \(p)")
            return (store, nil)
        }
    }
}
