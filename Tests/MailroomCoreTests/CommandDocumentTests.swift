import Testing
@testable import MailroomCore

/// The JSON documents commands print, written by `JSONWriter` like the records: the exact bytes (key order
/// included) that `mailroom mailbox depend|disconnect --json` and `contacts import --json` print; and the
/// provider policy `mailroom plan` estimates time with.
@Suite struct CommandDocumentTests {
    static let dana = MailboxDependent(mailbox: "main", kind: .owner, name: "Dana", addedAt: "2026-11-01T00:00:00Z")
    static let flow = MailboxDependent(mailbox: "main", kind: .emailFlow, name: "Renewals", addedAt: "2026-11-02T00:00:00Z")

    static func text(_ v: some JSONWritable) -> String { String(decoding: v.jsonBytes(), as: UTF8.self) }

    @Test func theDependentsDocumentKeepsItsSchemaAndKeyOrder() {
        #expect(Self.text(MailboxDependents(mailbox: "main", dependents: [Self.dana, Self.flow])) == """
            {"schema":"mailroom.mailbox-dependents/1","mailbox":"main","dependents":[\
            {"kind":"owner","name":"Dana","addedAt":"2026-11-01T00:00:00Z"},\
            {"kind":"email-flow","name":"Renewals","addedAt":"2026-11-02T00:00:00Z"}]}
            """)
        #expect(MailboxDependents(mailbox: "main", dependents: []).text() == "Nothing recorded relies on main.\n")
    }

    @Test func theDisconnectDocumentNamesDependentsByLabelAndANullReplacement() {
        let o = DisconnectOutcome(mailbox: "main", dependents: [Self.dana, Self.flow], moved: [], replacement: nil,
                                  messagesKept: 3, threadsKept: 2, cursorsKept: 1, wasDisconnected: false, runId: "r1")
        #expect(Self.text(o) == """
            {"schema":"mailroom.mailbox-disconnect/1","mailbox":"main","runId":"r1","replacement":null,\
            "dependents":["owner \\"Dana\\"","email-flow \\"Renewals\\""],"moved":[],"messagesKept":3,"threadsKept":2,\
            "cursorsKept":1}
            """)
    }

    @Test func theContactsImportDocumentCountsPositionsFromOne() {
        var s = ContactImportSummary()
        s.created = 1
        s.unchanged = 1
        s.emailsSkipped = [.init(contactId: "c2", position: 0, heldBy: "c1")]
        #expect(Self.text(ContactsImportResult(store: "/tmp/crm.sqlite", contacts: 2, summary: s, issues: 1)) == """
            {"schemaVersion":1,"store":"/tmp/crm.sqlite","contacts":2,"created":1,"updated":0,"unchanged":1,\
            "replacedCreated":0,"emailsSkipped":[{"contactId":"c2","position":1,"heldBy":"c1"}],"issues":1}
            """)
    }

    static func imap(_ provider: IMAPProvider, messagesPerSecond: Double = 0) -> IMAPSettings {
        IMAPSettings(host: "imap.example.com", port: 993, security: .tls, username: "me", secret: .env("PW"),
                     provider: provider, throttle: IMAPThrottle(messagesPerSecond: messagesPerSecond))
    }

    static func config(_ mailboxes: [MailboxConfig]) -> PipelineConfig {
        PipelineConfig(name: "p", mailboxes: mailboxes, ownDomains: ["example.com"], contacts: nil)
    }

    @Test func thePlanUsesTheNamedPresetElseTheMailboxsProviderElseGenericLoweredToItsThrottle() {
        let files = MailboxConfig(name: "files", source: .maildir, path: "mail", owner: ["me@example.com"])
        let gmail = MailboxConfig(name: "gmail", source: .imap, path: nil, owner: ["me@example.com"],
                                  imap: Self.imap(.gmail, messagesPerSecond: 5))
        let outlook = MailboxConfig(name: "outlook", source: .imap, path: nil, owner: ["me@example.com"],
                                    imap: Self.imap(.outlook))
        #expect(ProviderLimits.forPlan(Self.config([files]), mailbox: nil, named: nil) == .generic)
        // The first IMAP mailbox when the one named is a file mailbox; its throttle caps messages/s.
        let first = ProviderLimits.forPlan(Self.config([files, gmail, outlook]), mailbox: "files", named: nil)
        #expect(first.name == "gmail" && first.messagesPerSecond == 5 && first.bytesPerDay == ProviderLimits.gmail.bytesPerDay)
        #expect(ProviderLimits.forPlan(Self.config([gmail, outlook]), mailbox: "outlook", named: nil) == .outlook)
        // A named preset wins, still under the mailbox's own throttle.
        let named = ProviderLimits.forPlan(Self.config([gmail]), mailbox: nil, named: "Outlook")
        #expect(named.name == "outlook" && named.messagesPerSecond == 5)
    }
}
