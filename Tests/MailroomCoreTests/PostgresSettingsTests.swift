import Testing
@testable import MailroomCore

/// `store: postgres://…` read as libpq reads a URI, with Mailroom's sslmode defaults and no password accepted.
@Suite struct PostgresSettingsTests {
    func parse(_ s: String) throws -> PostgresSettings { try PostgresSettings.parse(uri: s).get() }
    func problem(_ s: String) -> String? {
        if case .failure(let p) = PostgresSettings.parse(uri: s) { return p.message }
        return nil
    }

    @Test func readsEveryPartOfAURI() throws {
        #expect(try parse("postgres://loader@db.internal.example:6432/crm?sslmode=verify-ca&sslrootcert=/etc/ca.pem")
            == PostgresSettings(host: "db.internal.example", port: 6432, database: "crm", user: "loader",
                                options: ["sslmode": "verify-ca", "sslrootcert": "/etc/ca.pem"]))
        #expect(try parse("postgresql://[2001:db8::5]:5433/crm") == PostgresSettings(host: "2001:db8::5", port: 5433, database: "crm"))
        // The Unix socket: a %-encoded folder as the host, or host= in the query; nothing at all is libpq's default.
        #expect(try parse("postgres://%2Frun%2Fpostgresql/crm").host == "/run/postgresql")
        #expect(try parse("postgres:///crm?host=/tmp/s&port=5999&user=me")
            == PostgresSettings(host: "/tmp/s", port: 5999, database: "crm", user: "me"))
        #expect(try parse("postgres://") == PostgresSettings())
        #expect(try parse("postgres://h/cr%20m").database == "cr m")
    }

    @Test func refusesAPasswordWithoutRepeatingIt() {
        for uri in ["postgres://loader:Hunter2@db/crm", "postgres://db/crm?password=Hunter2", "postgres://db/crm?sslpassword=Hunter2"] {
            let p = problem(uri)
            #expect(p?.contains("secret: env:NAME") == true, "\(uri)")
            #expect(p?.contains("Hunter2") == false)
        }
    }

    @Test func refusesWhatLibpqWouldMisreadOrMailroomCannotUse() {
        #expect(problem("postgres://a,b/crm")?.contains("several hosts") == true)
        #expect(problem("postgres://db:99999/crm")?.contains("port") == true)
        #expect(problem("postgres://db/crm?sslmod=require")?.contains("unknown keyword 'sslmod'") == true)
        #expect(problem("postgres://db/crm?sslmode=on")?.contains("verify-full") == true)
        #expect(problem("postgres://db/crm?client_encoding=LATIN1")?.contains("UTF8") == true)
        #expect(problem("postgres://db/crm?sslmode=require&sslmode=disable")?.contains("twice") == true)
        #expect(problem("postgres://db/cr%zzm")?.contains("%-escape") == true)
        #expect(problem("mysql://db/crm") != nil)
    }

    @Test func sslmodeIsPreferOnlyWhereNothingCrossesANetwork() {
        for local in [nil, "", "/run/postgresql", "@abstract", "localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost,/tmp"] {
            #expect(PostgresSettings.defaultSSLMode(host: local) == "prefer", "\(local ?? "nil")")
        }
        for remote in ["db.example.com", "10.0.0.5", "127.0.0.1.example.com", "2001:db8::1", "localhost,db.example.com", "127.0.0"] {
            #expect(PostgresSettings.defaultSSLMode(host: remote) == "verify-full", "\(remote)")
        }
    }

    @Test func keywordsLeaveToLibpqWhatTheURIDoesNotSay() {
        let remote = PostgresSettings(host: "db.example.com", database: "crm")
        let k = Dictionary(uniqueKeysWithValues: remote.connectionKeywords(password: "pw", environment: [:]))
        #expect(k == ["host": "db.example.com", "dbname": "crm", "password": "pw", "sslmode": "verify-full",
                      "fallback_application_name": "mailroom", "client_encoding": "UTF8"])
        // No user, port or password: PGUSER, PGPORT and ~/.pgpass apply. PGSSLMODE wins over the default.
        let env = Dictionary(uniqueKeysWithValues: remote.connectionKeywords(password: nil, environment: ["PGSSLMODE": "require"]))
        #expect(env["sslmode"] == nil && env["password"] == nil && env["user"] == nil && env["port"] == nil)
        // No host in the URI: PGHOST decides what is local.
        let viaEnv = Dictionary(uniqueKeysWithValues: PostgresSettings(database: "crm")
            .connectionKeywords(password: nil, environment: ["PGHOST": "db.example.com"]))
        #expect(viaEnv["sslmode"] == "verify-full" && viaEnv["host"] == nil)
        let hostaddr = Dictionary(uniqueKeysWithValues: PostgresSettings(database: "crm", options: ["hostaddr": "10.0.0.5"])
            .connectionKeywords(password: nil, environment: [:]))
        #expect(hostaddr["sslmode"] == "verify-full")
        let socket = Dictionary(uniqueKeysWithValues: PostgresSettings(database: "crm").connectionKeywords(password: nil, environment: [:]))
        #expect(socket["sslmode"] == "prefer")
        let explicit = Dictionary(uniqueKeysWithValues: PostgresSettings(host: "db", options: ["sslmode": "disable", "application_name": "w3"])
            .connectionKeywords(password: nil, environment: ["PGSSLMODE": "require"]))
        #expect(explicit["sslmode"] == "disable" && explicit["fallback_application_name"] == nil)
    }

    @Test func theDisplayedLocationHoldsNoUserOrQuery() throws {
        #expect(try parse("postgres://loader@db:6432/crm?sslmode=require").displayLocation == "postgres://db:6432/crm")
        #expect(try parse("postgres://[::1]/crm").displayLocation == "postgres://[::1]/crm")
    }
}

/// `store:` and the `secret:` beside it in a pipeline file.
@Suite struct PipelineStoreSecretTests {
    static func yaml(_ tail: String) -> String {
        """
        name: p
        mailbox: {source: mbox, path: m.mbox, owner: a@x.example}
        ownDomains: [x.example]
        \(tail)
        """
    }

    @Test func aPostgresStoreTakesItsPasswordFromSecret() throws {
        let c = try PipelineConfig.parse(yaml: Self.yaml("store: postgresql://db.example/crm?user=loader\nsecret: file:pg.secret\n"), file: "p.yaml")
        #expect(c.store == .postgres(url: "postgresql://db.example/crm?user=loader"))
        #expect(c.storeSecret == .file("pg.secret"))
        let noSecret = try PipelineConfig.parse(yaml: Self.yaml("store: postgres:///crm\n"), file: "p.yaml")
        #expect(noSecret.storeSecret == nil)
    }

    @Test func aPasswordInTheURIIsRefusedAtItsLineWithoutEchoingIt() {
        let e = #expect(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.yaml("store: postgres://loader:Tr0ub4dor@db.example/crm\n"), file: "p.yaml")
        }
        #expect(e?.issues.map(\.line) == [4])
        #expect(e?.description.hasPrefix("p.yaml:4: the store URI holds a password") == true)
        #expect(e?.description.contains("Tr0ub4dor") == false)
    }

    @Test func secretIsRefusedForASQLiteStoreAndWhenItIsNotAReference() {
        let sqlite = #expect(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.yaml("store: sqlite:crm.sqlite\nsecret: env:PG\n"), file: "p.yaml")
        }
        #expect(sqlite?.description.contains("applies only to a postgres:// store") == true)
        let literal = #expect(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.yaml("store: postgres://db/crm\nsecret: hunter2\n"), file: "p.yaml")
        }
        #expect(literal?.description.contains("env:NAME, file:PATH or cmd:PROGRAM ARG…") == true)
        #expect(literal?.description.contains("hunter2") == false)
    }
}
