/// The connection settings of a `store: postgres://…` (or `postgresql://`), read as libpq reads a connection URI:
/// `postgres://[USER@][HOST][:PORT][/DATABASE][?KEYWORD=VALUE&…]`. What the URI leaves out, libpq takes from the
/// `PG*` environment variables and its defaults (the Unix socket, the user's name), and the password from
/// `~/.pgpass` when the pipeline names no `secret:`. A password is never accepted in the URI.
public struct PostgresSettings: Sendable, Equatable {
    /// Host name, IP address or Unix socket folder (`/run/postgresql`); nil leaves it to `PGHOST` or the socket.
    public var host: String?
    public var port: Int?
    public var database: String?
    public var user: String?
    /// Other libpq keywords from the query (`sslmode`, `sslrootcert`, `connect_timeout`, …), by keyword.
    public var options: [String: String]

    public init(host: String? = nil, port: Int? = nil, database: String? = nil, user: String? = nil,
                options: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.options = options
    }

    /// libpq keywords a URI may set besides host, port, dbname and user. `password` and `sslpassword` are secrets
    /// (`secret:` holds the password); `client_encoding` is always UTF8.
    public static let allowedKeywords: Set<String> = [
        "hostaddr", "connect_timeout", "options", "application_name", "fallback_application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
        "sslcompression", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode", "krbsrvname", "gsslib",
        "target_session_attrs", "channel_binding", "passfile",
    ]
    public static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// The `sslmode` used when neither the URI nor `PGSSLMODE` names one: `prefer` for the Unix socket and
    /// loopback (nothing crosses a network), `verify-full` (encrypted, certificate and host name checked) elsewhere.
    public static func defaultSSLMode(host: String?) -> String {
        isLocal(host) ? "prefer" : "verify-full"
    }

    /// A Unix socket (no host, a folder path, an abstract socket `@name`), `localhost` or a loopback address.
    /// A comma-separated list (as `PGHOST` may hold) is local only when every entry is.
    public static func isLocal(_ host: String?) -> Bool {
        guard let host, !host.isEmpty else { return true }
        let hosts = host.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return hosts.allSatisfy { h in
            if h.isEmpty || h.hasPrefix("/") || h.hasPrefix("@") { return true }
            let bare = h.hasPrefix("[") && h.hasSuffix("]") ? String(h.dropFirst().dropLast()) : h
            if bare.lowercased() == "localhost" || bare == "::1" { return true }
            let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
        }
    }

    /// The keyword/value pairs given to libpq (`PQconnectdbParams`), in a fixed order. Only what the URI sets is
    /// passed, so libpq still honours `PG*` variables and `.pgpass` for the rest; `sslmode` gets Mailroom's default
    /// unless the URI or `PGSSLMODE` names one. `environment` is the process environment (passed in: Core reads none).
    public func connectionKeywords(password: String?, environment: [String: String]) -> [(String, String)] {
        var out: [(String, String)] = []
        if let host { out.append(("host", host)) }
        if let port { out.append(("port", String(port))) }
        if let database { out.append(("dbname", database)) }
        if let user { out.append(("user", user)) }
        if let password { out.append(("password", password)) }
        for k in options.keys.sorted() { out.append((k, options[k]!)) }
        if options["sslmode"] == nil, (environment["PGSSLMODE"] ?? "").isEmpty {
            // The host libpq will use: the URI's, else `hostaddr`, else PGHOST / PGHOSTADDR, else the socket.
            let effective = host ?? options["hostaddr"] ?? environment["PGHOST"] ?? environment["PGHOSTADDR"]
            out.append(("sslmode", PostgresSettings.defaultSSLMode(host: effective)))
        }
        if options["application_name"] == nil, options["fallback_application_name"] == nil {
            out.append(("fallback_application_name", "mailroom"))
        }
        out.append(("client_encoding", "UTF8"))
        return out
    }

    /// `postgres://HOST:PORT/DATABASE` for messages: no user information, no query (which is where a secret
    /// would be if someone put one there).
    public var displayLocation: String {
        var h = host ?? ""
        if h.contains(":") && !h.hasPrefix("/") { h = "[\(h)]" }
        return "postgres://\(h)\(port.map { ":\($0)" } ?? "")/\(database ?? "")"
    }
}
