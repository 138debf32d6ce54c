import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// The libpq connection against a real PostgreSQL 15 (`PostgresServer`: a private cluster on a Unix socket).
@Suite("PostgreSQL connection", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresConnectionTests {
    @Test func connectsOverTheUnixSocketAndRunsStatements() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let c = try server.connect(database: db)
        #expect(c.serverVersion >= 150000)
        #expect(PGConnection.libraryVersion >= 150000)
        #expect(!c.usesTLS)
        let r = try c.execute("SELECT current_database(), current_user, $1::int + 1 AS next", ["41"])
        #expect(r.columns == ["current_database", "current_user", "next"])
        #expect(r.rows == [[db, PostgresServer.admin, "42"]])
        #expect(c.target.host == server.socketDir && c.target.port == "5432" && c.target.database == db)
    }

    /// The password comes from the pipeline's `secret: env:NAME`; a wrong one fails as auth (13) naming the user,
    /// never the password.
    @Test func thePasswordComesFromTheSecretAndAWrongOneNamesTheUserOnly() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mailroom-pgpipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pipeline.yaml")
        try """
            name: pg
            mailbox: {source: mbox, path: mail.mbox, owner: dana@northwind.example}
            ownDomains: [northwind.example]
            store: postgres:///\(db)?host=\(server.socketDir)&port=\(server.port)&user=\(PostgresServer.passwordUser)
            secret: env:MAILROOM_TEST_PG_PASSWORD

            """.write(to: file, atomically: false, encoding: .utf8)
        let pipeline = try LoadedPipeline.load(path: file.path)
        let c = try PGConnection.open(for: pipeline, environment: ["MAILROOM_TEST_PG_PASSWORD": server.password])
        #expect(try c.execute("SELECT current_user").scalar == PostgresServer.passwordUser)

        let wrong = "not-the-Pa55word"
        let e = try #require(throws: MailroomError.self) {
            try PGConnection.open(for: pipeline, environment: ["MAILROOM_TEST_PG_PASSWORD": wrong])
        }
        #expect(e.status == .auth)
        #expect(e.description.contains("user \(PostgresServer.passwordUser)"))
        #expect(e.description.contains("database \(db)"))
        #expect(e.description.contains("password authentication failed"))
        #expect(!e.description.contains(wrong) && !e.description.contains(server.password))

        let unset = try #require(throws: MailroomError.self) { try PGConnection.open(for: pipeline, environment: [:]) }
        #expect(unset.status == .auth)
        #expect(unset.message.contains("the PostgreSQL store") && unset.message.contains("MAILROOM_TEST_PG_PASSWORD"))
    }

    @Test func aRefusedConnectionNamesHostAndPort() throws {
        let port = try DovecotServer.freePort()
        let settings = PostgresSettings(host: "127.0.0.1", port: port, database: "crm", user: "loader")
        let e = try #require(throws: MailroomError.self) { try PGConnection.connect(settings, password: "s3cret", environment: [:]) }
        #expect(e.status == .port)
        #expect(e.description.contains("host 127.0.0.1, port \(port), database crm, user loader"))
        #expect(e.description.contains("Connection refused"))
        #expect(e.location == "postgres://127.0.0.1:\(port)/crm")
        #expect(!e.description.contains("s3cret"))
        #expect(!e.description.contains("\n"))
    }

    @Test func parametersRoundTripAndNULIsNormalizedAsStoreTextSays() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        let values: [String?] = ["O'Brien said \"hi\"", "C:\\path\\to\\file \\N", "tab\there\nline\r\nend", "😀👍🏽 日本語 é",
                                 "", nil, "$1 -- ; DROP TABLE x"]
        for v in values {
            #expect(try c.execute("SELECT $1::text", [v]).rows == [[v]])
        }
        let withNUL = "a\u{0}b"
        #expect(try c.execute("SELECT $1::text", [withNUL]).scalar == StoreText.normalized(withNUL))
        #expect(StoreText.normalized(withNUL) == "a\u{FFFD}b")
    }

    @Test func copyInLoadsTenThousandRowsWithEscapesExactly() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        try c.execute("CREATE TABLE items (id int PRIMARY KEY, a text, b text NULL)")
        let rows: [[String?]] = (0..<10_000).map { i in
            [String(i), "v\(i)\tcol\\n not a newline\nreal newline\r\\\\ two \\N slashes 😀 \u{85}",
             i % 7 == 0 ? nil : (i % 11 == 0 ? "" : "\\N")]
        }
        #expect(try c.copyIn(table: "items", columns: ["id", "a", "b"], rows: rows) == 10_000)
        let back = try c.execute("SELECT id::text, a, b FROM items ORDER BY items.id")
        #expect(back.rows.count == rows.count)
        // The first row that differs, if any (not the whole table in the failure message).
        let differing = zip(back.rows, rows).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(differing == nil, "\(differing.map { "row \($0.offset): \($0.element.0) != \($0.element.1)" } ?? "")")
    }

    /// Bytes with NUL and invalid UTF-8 (as header bytes from broken mail arrive) reach PostgreSQL only as
    /// `StoreText` normalizes them, through COPY and through parameters alike.
    @Test func nulAndInvalidUTF8AreNormalizedBeforeTheServerSeesThem() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        try c.execute("CREATE TABLE t (k int, v text)")
        let bytes: [UInt8] = [0x61, 0x00, 0x62, 0xFF, 0xC3, 0x28, 0xE2, 0x82, 0x41, 0xED, 0xA0, 0x80]
        let text = StoreText.normalized(bytes)
        try c.copyIn(table: "t", columns: ["k", "v"], rows: [["1", text], ["2", "x\u{0}y"]])
        try c.execute("INSERT INTO t VALUES (3, $1)", [text])
        let back = try c.execute("SELECT v FROM t ORDER BY k").rows.map { $0[0] }
        #expect(back == [text, "x\u{FFFD}y", text])
    }

    @Test func anAdvisoryLockHeldByOneConnectionIsRefusedToAnotherUntilItCloses() throws {
        let server = try PostgresServer.get()
        let db = try server.createDatabase()
        let first = try server.connect(database: db)
        let second = try server.connect(database: db)
        #expect(try first.execute("SELECT pg_try_advisory_lock(hashtext($1))", ["mailbox:work"]).scalar == "t")
        #expect(try second.execute("SELECT pg_try_advisory_lock(hashtext($1))", ["mailbox:work"]).scalar == "f")
        #expect(try second.execute("SELECT pg_try_advisory_lock(hashtext($1))", ["mailbox:other"]).scalar == "t")
        first.close()
        // The server drops the first session's locks when its backend ends: wait for that (bounded), then hold it.
        try second.execute("SET lock_timeout = '20s'")
        try second.execute("SELECT pg_advisory_lock(hashtext($1))", ["mailbox:work"])
        let third = try server.connect(database: db)
        #expect(try third.execute("SELECT pg_try_advisory_lock(hashtext($1))", ["mailbox:work"]).scalar == "f")
    }

    @Test func aFailedStatementNamesTheSQLStateAndATransactionRollsBack() throws {
        let server = try PostgresServer.get()
        let c = try server.connect(database: try server.createDatabase())
        try c.execute("CREATE TABLE t (k int PRIMARY KEY)")
        let e = try #require(throws: MailroomError.self) {
            try c.transaction { tx in
                try tx.execute("INSERT INTO t VALUES (1)")
                try tx.execute("INSERT INTO t VALUES ($1)", ["1"])
            }
        }
        #expect(e.status == .store)
        #expect(e.message.contains("SQLSTATE 23505"))
        #expect(c.lastSQLState == "23505")
        #expect(try c.execute("SELECT count(*) FROM t").scalar == "0")
        // A COPY that fails (a bad integer) keeps nothing and leaves the connection usable.
        #expect(throws: MailroomError.self) { try c.copyIn(table: "t", columns: ["k"], rows: [["2"], ["not a number"]]) }
        #expect(c.lastSQLState == "22P02")
        #expect(try c.execute("SELECT count(*) FROM t").scalar == "0")
        // A row of the wrong width is refused before it is sent, and nothing of that COPY is kept either.
        let wide = try #require(throws: MailroomError.self) { try c.copyIn(table: "t", columns: ["k"], rows: [["3"], ["4", "5"]]) }
        #expect(wide.status == .internalError && wide.message.contains("a row of 2 values for 1 columns"))
        #expect(try c.execute("SELECT count(*) FROM t").scalar == "0")
    }
}

/// A server on loopback that answers libpq's SSLRequest with `N` (no TLS), as a PostgreSQL built without SSL does.
@Suite struct PostgresTLSRefusedTests {
    @Test func sslmodeRequireAgainstAServerWithoutTLSFailsAsTLS() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(fd, sp, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: addr.sin_port))
        // Its own thread: accept and read block.
        let server = Thread {
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }
            var request = [UInt8](repeating: 0, count: 8) // length 8, code 80877103
            _ = read(c, &request, 8)
            _ = write(c, "N", 1)
            var rest = [UInt8](repeating: 0, count: 64)
            _ = read(c, &rest, 64) // until libpq gives up and closes
            close(c)
        }
        server.start()
        let settings = PostgresSettings(host: "127.0.0.1", port: port, database: "crm", user: "loader",
                                        options: ["sslmode": "require", "connect_timeout": "10"])
        let e = try #require(throws: MailroomError.self) { try PGConnection.connect(settings, password: nil, environment: [:]) }
        #expect(e.status == .tls)
        #expect(e.description.contains("server does not support SSL"))
        #expect(e.description.contains("host 127.0.0.1, port \(port), database crm, user loader"))
    }
}
