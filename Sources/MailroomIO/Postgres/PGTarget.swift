import CPQShim

/// Host, port, database and user of a connection, as libpq resolved them (its defaults and `PG*` variables
/// applied), for messages. Never the password.
public struct PGTarget: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: String
    public var database: String
    public var user: String

    public init(host: String, port: String, database: String, user: String) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
    }

    /// From libpq's handle when there is one (also after a failed attempt), else from the settings.
    init(handle: UnsafeMutableRawPointer?, settings: PostgresSettings) {
        func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let h = handle.map { text(mr_pq_host($0)) } ?? ""
        let p = handle.map { text(mr_pq_port($0)) } ?? ""
        let d = handle.map { text(mr_pq_db($0)) } ?? ""
        let u = handle.map { text(mr_pq_user($0)) } ?? ""
        host = h.isEmpty ? (settings.host ?? "(default socket)") : h
        port = p.isEmpty ? (settings.port.map(String.init) ?? "5432") : p
        database = d.isEmpty ? (settings.database ?? "(default)") : d
        user = u.isEmpty ? (settings.user ?? "(default)") : u
    }

    /// `postgres://HOST:PORT/DATABASE` (a Unix socket folder as the host as it is).
    public var location: String {
        let h = host.contains(":") && !host.hasPrefix("/") ? "[\(host)]" : host
        return "postgres://\(h):\(port)/\(database)"
    }

    /// `host H, port P, database D, user U`.
    public var description: String { "host \(host), port \(port), database \(database), user \(user)" }
}
