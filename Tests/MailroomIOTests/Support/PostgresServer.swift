import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// A private PostgreSQL 15 cluster (Debian's `postgresql-15`) for the tests: `initdb` in a temporary folder, only a
/// Unix socket (`listen_addresses = ''`), started once per test process and stopped (folder removed) by a
/// watchdog when the process ends. `initdb` refuses to run as root: as root the folder belongs to `postgres` and
/// `initdb`/`pg_ctl` run through `runuser -u postgres --`. Superuser `mailroom_admin` (trust on the socket);
/// `passwordUser` must log in with `password` (scram-sha-256).
final class PostgresServer: @unchecked Sendable {
    static let binDir = "/usr/lib/postgresql/15/bin"
    static var isAvailable: Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(binDir)/\($0)") }
    }
    static let skipReason: Comment = "PostgreSQL 15 is not installed (\(binDir)); scripts/install-deps.sh installs it"

    /// The cluster of this test process, started on first use. A start that fails is a test failure, not a skip.
    static let shared: Result<PostgresServer, Error> = Result { try PostgresServer() }
    static func get() throws -> PostgresServer { try shared.get() }

    static let admin = "mailroom_admin"
    static let passwordUser = "mr_pw"
    let password = "pw-\(UUID().uuidString.prefix(8))-'\\"
    let root: String
    let socketDir: String
    let port = 5432
    private let lock = NSLock()
    private var databases = 0

    private init() throws {
        root = NSTemporaryDirectory() + "mailroom-pg-\(UUID().uuidString)"
        socketDir = root + "/sock"
        let data = root + "/data"
        try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root)
        if DovecotServer.isRoot { try DovecotServer.sh("chown -R postgres:postgres '\(root)'") }
        try DovecotServer.sh(Self.asOwner("\(Self.binDir)/initdb -D '\(data)' -U \(Self.admin) -A trust -E UTF8 --locale=C --no-sync") + " >'\(root)/initdb.log' 2>&1")
        try """
            local all \(Self.passwordUser) scram-sha-256
            local all all trust

            """.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        let conf = """

            listen_addresses = ''
            unix_socket_directories = '\(socketDir)'
            port = \(port)
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 60

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(conf.utf8))
        try handle.close()
        // pg_ctl leaves the server running: started detached (no pipe of this process is inherited).
        try DovecotServer.detached(Self.asOwner("\(Self.binDir)/pg_ctl -D '\(data)' -l '\(root)/server.log' -w -t 60 start"),
                                   log: root + "/pg_ctl.log")
        try DovecotServer.detached("""
            ( while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \
              \(Self.asOwner("\(Self.binDir)/pg_ctl -D '\(data)' -m immediate stop")); sleep 0.3; rm -rf '\(root)' ) </dev/null >/dev/null 2>&1 &
            """, log: root + "/watchdog.log")
        let admin = try connect(database: "postgres")
        try admin.execute("CREATE ROLE \(Self.passwordUser) LOGIN PASSWORD '\(password.replacingOccurrences(of: "'", with: "''"))'")
    }

    /// A shell command run as the folder's owner: `postgres` when the tests run as root.
    static func asOwner(_ command: String) -> String {
        DovecotServer.isRoot ? "runuser -u postgres -- \(command)" : command
    }

    func settings(database: String, user: String = PostgresServer.admin) -> PostgresSettings {
        PostgresSettings(host: socketDir, port: port, database: database, user: user)
    }

    func connect(database: String, user: String = PostgresServer.admin, password: String? = nil) throws -> PGConnection {
        try PGConnection.connect(settings(database: database, user: user), password: password, environment: [:])
    }

    /// A new, empty database for one test (owned by the admin; `passwordUser` may connect and create tables).
    func createDatabase() throws -> String {
        let name: String = lock.withLock {
            databases += 1
            return "t\(databases)_\(getpid())"
        }
        let admin = try connect(database: "postgres")
        try admin.execute("CREATE DATABASE \(name)")
        try admin.execute("GRANT ALL ON DATABASE \(name) TO \(Self.passwordUser)")
        return name
    }
}
