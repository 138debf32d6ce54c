import Foundation
import Testing
@testable import MailroomCore

/// Which folders, flags and Gmail labels are not correspondence, and the pipeline key that imports them anyway.
struct LeftOutTests {
    @Test(arguments: [
        ("Drafts", LeftOutReason.drafts), ("[Gmail]/Drafts", .drafts), ("INBOX.Drafts", .drafts), ("Entwürfe", .drafts),
        ("Junk", .junk), ("Spam", .junk), ("[Gmail]/Spam", .junk), ("[Google Mail]/Spam", .junk),
        ("Junk E-mail", .junk), ("Junk Email", .junk), ("INBOX/Junk", .junk), ("Bulk Mail", .junk),
        ("Trash", .trash), ("[Gmail]/Trash", .trash), ("[Google Mail]/Bin", .trash), ("Deleted Items", .trash),
        ("Deleted Messages", .trash), ("INBOX.Trash", .trash), ("[Gmail].Trash", .trash), ("Trash/Old Project", .trash),
        ("Papierkorb", .trash), ("Gelöschte Elemente", .trash),
        ("Outbox", .outbox), ("Unsent Messages", .outbox), ("Postausgang", .outbox),
    ])
    func usualNamesInEveryDialectAreLeftOut(name: String, reason: LeftOutReason) {
        #expect(LeftOutReason.forFolder(name) == reason)
    }

    @Test(arguments: ["INBOX", "Sent", "Sent Items", "[Gmail]/All Mail", "Archive/2024", "Clients/Junkers GmbH",
                      "Spammers' replies", "Trashcan design"])
    func otherFoldersAreKept(name: String) {
        #expect(LeftOutReason.forFolder(name) == nil)
    }

    @Test func maildirDraftAndTrashedFlagsAreLeftOut() {
        #expect(LeftOutReason.forFlags(["seen", "draft"]) == .drafts)
        #expect(LeftOutReason.forFlags(["seen", "trashed"]) == .trash)
        #expect(LeftOutReason.forFlags(["seen", "replied", "flagged"]) == nil)
    }

    @Test func thunderbirdsExpungedMarkIsTrash() {
        #expect(LeftOutReason.forMozillaStatus(Array("0009".utf8)) == .trash)
        #expect(LeftOutReason.forMozillaStatus(Array("0008".utf8)) == .trash)
        #expect(LeftOutReason.forMozillaStatus(Array("1009".utf8)) == .trash)
        #expect(LeftOutReason.forMozillaStatus(Array("0001".utf8)) == nil)
        #expect(LeftOutReason.forMozillaStatus(Array("0013".utf8)) == nil)
        #expect(LeftOutReason.forMozillaStatus(Array("zz".utf8)) == nil)
        #expect(LeftOutReason.forMozillaStatus([]) == nil)
    }

    @Test func takeoutLabelsBecomeFoldersAndStatesDoNot() {
        let l = GmailLabels(raw: Array("Inbox,Important,Opened,Category Personal,Clients/Acme,\"Projects, 2026\"".utf8))
        #expect(l.labels == ["Inbox", "Important", "Opened", "Category Personal", "Clients/Acme", "Projects, 2026"])
        #expect(l.folders == ["INBOX", "Clients/Acme", "Projects, 2026"])
        #expect(l.leftOut == nil)
        #expect(GmailLabels(raw: Array("Opened,Archived".utf8)).folders == ["Archived"])
        #expect(GmailLabels(raw: Array("Archived,Work".utf8)).folders == ["Work"])
        #expect(GmailLabels(raw: Array("Unread".utf8)).folders == ["All Mail"])
        #expect(GmailLabels(raw: Array("Sent,Opened".utf8)).folders == ["Sent"])
        #expect(GmailLabels(raw: Array("=?UTF-8?Q?Pers=C3=B6nlich?=,Inbox".utf8)).folders == ["Persönlich", "INBOX"])
        #expect(GmailLabels(raw: Array("Posteingang,Wichtig,Gesendet".utf8)).folders == ["INBOX", "Sent"])
        // getmail writes the IMAP spelling.
        #expect(GmailLabels(raw: Array(#""\\Sent""#.utf8)).folders == ["Sent"])
    }

    /// Labels as real Takeout exports write them: IMAP keywords a client set (Thunderbird's junk marks, Apple
    /// Mail's flag colours) and every Gmail tab are not folders.
    @Test func takeoutImapKeywordLabelsAndTabsAreNotFolders() {
        let l = GmailLabels(raw: Array(#"Archived,Category Promotions,Opened,IMAP_$NotJunk,IMAP_$Forwarded,"Clients, Acme""#.utf8))
        #expect(l.labels == ["Archived", "Category Promotions", "Opened", "IMAP_$NotJunk", "IMAP_$Forwarded", "Clients, Acme"])
        #expect(l.folders == ["Clients, Acme"])
        #expect(GmailLabels(raw: Array("Inbox,Category Purchases,IMAP_Junk,IMAP_JunkRecorded,Unread".utf8)).folders == ["INBOX"])
        #expect(GmailLabels(raw: Array("Opened,IMAP_$MailFlagBit0,IMAP_Redirected".utf8)).folders == ["All Mail"])
        #expect(GmailLabels(raw: Array("IMAP_Junk,Inbox".utf8)).leftOut == nil)
    }

    /// A French account's export: Takeout encodes the whole value as RFC 2047 words (commas and quotes inside
    /// them), folded, with a no-break space in the tab's name.
    @Test func takeoutFrenchLabelsEncodedAsOneValue() {
        let folded = "=?UTF-8?Q?Messages_archiv=C3=A9s,Ouvert,Cat=C3=A9gorie=C2=A0:_E-mails_?= "
            + #"=?UTF-8?Q?personnels,"Culture,_associations,_=C3=A9v=C3=A9nements"?="#
        let l = GmailLabels(raw: Array(folded.utf8))
        #expect(l.labels == ["Messages archivés", "Ouvert", "Catégorie\u{A0}: E-mails personnels",
                             "Culture, associations, événements"])
        #expect(l.folders == ["Culture, associations, événements"])
        #expect(GmailLabels(raw: Array("=?UTF-8?Q?Bo=C3=AEte_de_r=C3=A9ception,Non_lus?=".utf8)).folders == ["INBOX"])
        #expect(GmailLabels(raw: Array("=?UTF-8?Q?Messages_envoy=C3=A9s,Ouvert?=".utf8)).folders == ["Sent"])
        #expect(GmailLabels(raw: Array("=?UTF-8?Q?Corbeille,Ouvert?=".utf8)).leftOut == .trash)
        #expect(GmailLabels(raw: Array("Brouillons".utf8)).leftOut == .drafts)
    }

    /// Damaged label lines: an unclosed quote keeps the rest as one label; empty labels are dropped; no label
    /// at all is All Mail.
    @Test func takeoutLabelLinesThatAreDamaged() {
        #expect(GmailLabels(raw: Array(#"Inbox,"Clients/Acme"#.utf8)).labels == ["Inbox", "Clients/Acme"])
        #expect(GmailLabels(raw: Array(#"Inbox,"Projects, 2026,Opened"#.utf8)).folders == ["INBOX", "Projects, 2026,Opened"])
        #expect(GmailLabels(raw: Array(#"Inbox,,"",Opened, ,"#.utf8)).labels == ["Inbox", "Opened"])
        #expect(GmailLabels(raw: Array(#"Say "hi",Inbox"#.utf8)).labels == [#"Say "hi""#, "Inbox"])
        let empty = GmailLabels(raw: [])
        #expect(empty.labels.isEmpty && empty.folders == ["All Mail"] && empty.leftOut == nil)
        #expect(GmailLabels(raw: Array(#""""#.utf8)).folders == ["All Mail"])
        // An encoded word that does not decode stays as written (a label of its own).
        #expect(GmailLabels(raw: Array("=?UTF-8?X?Pers?=,Inbox".utf8)).folders == ["=?UTF-8?X?Pers?=", "INBOX"])
    }

    @Test func takeoutSpamTrashAndDraftLabelsLeaveTheMessageOut() {
        #expect(GmailLabels(raw: Array("Spam,Unread".utf8)).leftOut == .junk)
        #expect(GmailLabels(raw: Array("Trash,Opened,Clients/Acme".utf8)).leftOut == .trash)
        #expect(GmailLabels(raw: Array("Draft".utf8)).leftOut == .drafts)
        #expect(GmailLabels(raw: Array("Drafts,Opened".utf8)).leftOut == .drafts)
        #expect(GmailLabels(raw: Array("Papierkorb".utf8)).leftOut == .trash)
        #expect(GmailLabels(raw: Array("Inbox,Opened".utf8)).leftOut == nil)
    }

    @Test func imapFoldersAreLeftOutBySpecialUseAndUsualName() {
        let l = IMAPFolderChoiceTests.listed([
            ("INBOX", []), ("Sent", ["\\Sent"]), ("Brouillons", ["\\Drafts"]), ("Indésirables", ["\\Junk"]),
            ("Corbeille", ["\\Trash"]), ("Junk", []), ("Clients", []),
        ])
        let requested = ["INBOX", "\\Sent", "Brouillons", "Indésirables", "Corbeille", "Junk", "Clients"]
        #expect(IMAPFolderChoice.choose(listed: l, requested: requested).folders.map(\.name) == ["INBOX", "Sent", "Clients"])
        #expect(IMAPFolderChoice.leftOut(listed: l, requested: requested).map { "\($0.folder.name):\($0.reason)" }
                == ["Brouillons:drafts", "Indésirables:junk", "Corbeille:trash", "Junk:junk"])
        #expect(IMAPFolderChoice.choose(listed: l, requested: requested, include: [.junk]).folders.map(\.name)
                == ["INBOX", "Sent", "Indésirables", "Junk", "Clients"])
    }

    static let pipeline = """
        name: p
        mailbox:
          source: maildir
          path: mail
          owner: me@example.com
          includeFolders: %@
        ownDomains: [example.com]
        """

    @Test func includeFoldersIsReadAndValidated() throws {
        func parse(_ value: String) throws(ConfigError) -> PipelineConfig {
            try PipelineConfig.parse(yaml: Self.pipeline.replacingOccurrences(of: "%@", with: value), file: "p.yml")
        }
        #expect(try parse("[drafts, trash]").mailboxes[0].includeFolders == [.drafts, .trash])
        #expect(try parse("junk").mailboxes[0].includeFolders == [.junk])
        #expect(try parse("all").mailboxes[0].includeFolders == Set(LeftOutReason.allCases))
        let plain = try PipelineConfig.parse(yaml: "name: p\nmailbox: {source: mbox, path: m, owner: a@b.example}\nownDomains: b.example\n",
                                             file: "p.yml")
        #expect(plain.mailboxes[0].includeFolders.isEmpty)
        #expect(throws: ConfigError.self) { try parse("[drafts, spam]") }
        do {
            _ = try parse("[drafts, spam]")
        } catch {
            #expect(error.description == "p.yml:6: 'includeFolders' in mailbox 'default' must list drafts | junk | trash | outbox | all, not 'spam'")
        }
    }
}
