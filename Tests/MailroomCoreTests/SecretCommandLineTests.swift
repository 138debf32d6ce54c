import Testing
import MailroomCore

/// `secret: cmd:PROGRAM ARG…` (issue 16 §2): the words a command line splits into, by the README's rule, never by
/// a shell; and the pipeline file's refusals, which never quote the command's text.
struct SecretCommandLineTests {
    @Test(arguments: [
        ("oauth2ms", ["oauth2ms"]),
        ("gcloud auth print-access-token", ["gcloud", "auth", "print-access-token"]),
        ("  vault   kv get\t-field=password  secret/mail ", ["vault", "kv", "get", "-field=password", "secret/mail"]),
        ("pass show 'mail/dana smith'", ["pass", "show", "mail/dana smith"]),
        (#"op read "op://Work/IMAP \"dana\"/password""#, ["op", "read", #"op://Work/IMAP "dana"/password"#]),
        (#"tok --label="a b"c"#, ["tok", "--label=a bc"]),
        (#"tok a\ b"#, ["tok", "a b"]),
        (#"tok 'it\s' "C:\dir" "back\\slash""#, ["tok", #"it\s"#, #"C:\dir"#, #"back\slash"#]),
        ("tok '' x", ["tok", "", "x"]),
        // Nothing else is special: no variables, globs, pipes, separators or redirections.
        ("tok $HOME ~/x *.txt | tail ; rm >out", ["tok", "$HOME", "~/x", "*.txt", "|", "tail", ";", "rm", ">out"]),
        ("./bin/get-token --user dana@northwind.example", ["./bin/get-token", "--user", "dana@northwind.example"]),
    ])
    func aCommandLineSplitsIntoItsWords(text: String, words: [String]) {
        #expect(SecretCommandLine.split(text) == .success(words))
    }

    @Test(arguments: [
        ("", SecretCommandLine.Problem.empty),
        ("   \t ", .empty),
        ("'' arg", .empty),
        ("tok 'open", .unclosedQuote("'")),
        (#"tok "open"#, .unclosedQuote("\"")),
        (#"tok "ends\"#, .unclosedQuote("\"")),
        (#"tok end\"#, .trailingBackslash),
        ("tok a\nrm -rf", .lineBreakOrNUL),
        ("tok 'a\r\nb'", .lineBreakOrNUL),
        ("tok a\u{0}b", .lineBreakOrNUL),
    ])
    func aCommandLineThatCannotBeReadIsRefused(text: String, problem: SecretCommandLine.Problem) {
        #expect(SecretCommandLine.split(text) == .failure(problem))
    }

    static func pipeline(secret: String) -> String {
        """
        name: cmd
        ownDomains: [example.com]
        mailbox:
          name: work
          source: imap
          provider: outlook
          username: dana@northwind.example
          auth: xoauth2
          secret: \(secret)

        """
    }

    @Test func aPipelineSecretFromACommandKeepsItsWordsAndShowsOnlyTheProgram() throws {
        let c = try PipelineConfig.parse(yaml: Self.pipeline(secret: #"'cmd:oauth2ms --encrypted "--config=my conf.json"'"#), file: "p.yml")
        let s = try #require(c.mailboxes.first?.imap?.secret)
        #expect(s == .command(["oauth2ms", "--encrypted", "--config=my conf.json"]))
        // What reaches the store (credentials_ref), run logs and messages: the program only.
        #expect(s.description == "cmd:oauth2ms")
    }

    @Test func aPipelineCommandThatCannotBeReadIsRefusedWithItsLineWithoutQuotingIt() throws {
        let e = try #require(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.pipeline(secret: "\"cmd:vault read 'canary-arg-7f3\""), file: "p.yml")
        }
        #expect(e.issues.count == 1)
        #expect(e.issues.first?.line == 9)
        #expect(e.issues.first?.detail.contains("'secret' in mailbox 'work' is a cmd: whose command line has a single quote that is not closed") == true)
        #expect(!e.description.contains("canary-arg-7f3"))
        let empty = try #require(throws: ConfigError.self) { try PipelineConfig.parse(yaml: Self.pipeline(secret: "\"cmd:  \""), file: "p.yml") }
        #expect(empty.issues.first?.detail.contains("command line names no program") == true)
        #expect(SecretReference.parse("env:") == .failure(.notAReference))
        #expect(SecretReference.parse("file:pw") == .success(.file("pw")))
    }

    /// The PostgreSQL store's `secret:` is read by the same rule (its password from a vault CLI).
    @Test func theStoresSecretMayBeACommandToo() throws {
        let yaml = "name: p\nmailbox: {source: mbox, path: m.mbox, owner: a@x.example}\nownDomains: [x.example]\nstore: postgres:///crm\n"
        let c = try PipelineConfig.parse(yaml: yaml + "secret: cmd:vault kv get -field=password db/crm\n", file: "p.yml")
        #expect(c.storeSecret == .command(["vault", "kv", "get", "-field=password", "db/crm"]))
        let e = try #require(throws: ConfigError.self) { try PipelineConfig.parse(yaml: yaml + "secret: hunter2\n", file: "p.yml") }
        #expect(e.issues.first?.detail.contains("'secret' of the store must be env:NAME, file:PATH or cmd:PROGRAM ARG…") == true)
        #expect(!e.description.contains("hunter2"))
    }
}
