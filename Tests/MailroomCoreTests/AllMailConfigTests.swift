import Testing
import MailroomCore

/// `allMail: true` in an IMAP mailbox (issue 16, Gmail): only with `provider: gmail`, never with `folders`; each
/// mistake one line naming the key, at its line.
struct AllMailConfigTests {
    /// `OAuthConfigTests`' pipeline with a password secret first (same lines: the secret is line 6).
    static func yaml(_ mailbox: [String]) -> String { OAuthConfigTests.yaml(["secret: env:T"] + mailbox) }

    static func problems(_ mailbox: [String]) -> String { OAuthConfigTests.problems(["secret: env:T"] + mailbox) }

    @Test func allMailIsOffByDefaultAndOnForGmail() throws {
        let off = try PipelineConfig.parse(yaml: Self.yaml(["provider: gmail"]), file: "p.yml").mailboxes[0].imap
        #expect(off?.allMail == false)
        let on = try PipelineConfig.parse(yaml: Self.yaml(["provider: gmail", "allMail: true"]), file: "p.yml").mailboxes[0].imap
        #expect(on?.allMail == true && on?.folders == [] && on?.host == "imap.gmail.com")
        let no = try PipelineConfig.parse(yaml: Self.yaml(["allMail: false", "host: mail.example.com"]), file: "p.yml")
        #expect(no.mailboxes[0].imap?.allMail == false)
    }

    @Test func eachMistakeIsOneLineNamingTheKeyAtItsLine() {
        func check(_ mailbox: [String], _ expected: String) {
            let p = Self.problems(mailbox)
            #expect(p.contains(expected), "\(p)")
            #expect(!p.contains("\n"), "\(p)")
        }
        check(["host: mail.example.com", "allMail: true"],
              "p.yml:8: 'allMail' in mailbox 'default' needs 'provider: gmail'")
        check(["provider: outlook", "allMail: true"], "'allMail' in mailbox 'default' needs 'provider: gmail'")
        check(["provider: gmail", "folders: [INBOX]", "allMail: true"],
              "p.yml:9: 'allMail' in mailbox 'default' reads All Mail only: remove 'folders' (or 'allMail')")
        check(["provider: gmail", "allMail: yes please"], "'allMail' in mailbox 'default' must be true or false")
        check(["provider: gmail", "allmail: true"], "unknown key 'allmail' in a mailbox (did you mean 'allMail'?)")
        let mbox = "name: p\nownDomains: [example.com]\nmailbox:\n  source: mbox\n  path: mail\n  owner: [a@example.com]\n  allMail: true\n"
        do {
            _ = try PipelineConfig.parse(yaml: mbox, file: "p.yml")
            Issue.record("an mbox mailbox with allMail was accepted")
        } catch {
            #expect(error.description == "p.yml:7: 'allMail' applies only to source: imap (mailbox 'default')")
        }
    }
}
