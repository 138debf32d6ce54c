import Foundation
import Testing
@testable import MailroomIO

/// Drafts, junk, trash and outbox are not correspondence: left out by default, counted by reason, and imported
/// again when the mailbox's `includeFolders` names them.
@Suite struct LeftOutFoldersTests {
    static func message(_ subject: String, from: String = "ann@customer.example", extra: String = "") -> String {
        "From: \(from)\nTo: me@example.com\nSubject: \(subject)\nDate: 2026-11-16T10:00:00Z\n\(extra)\nbody of \(subject)\n"
    }

    /// An mbsync / OfflineIMAP tree of a Gmail, an Exchange and a Dovecot account side by side.
    static func maildirTree() throws -> TempDir {
        let d = try TempDir()
        try d.write("cur/1700000000.A.host:2,S", message("inbox"))
        try d.write("cur/1700000001.B.host:2,DS", message("draft flagged in the inbox"))
        try d.write("cur/1700000002.C.host:2,ST", message("trashed, not expunged yet"))
        try d.write("Sent/cur/1700000010.D.host:2,S", message("sent", from: "me@example.com"))
        try d.write("Archive/2024/cur/1700000011.E.host:2,S", message("archived"))
        try d.write("Drafts/cur/1700000020.F.host:2,D", message("never sent", from: "me@example.com"))
        try d.write("[Gmail]/Spam/cur/1700000030.G.host:2,", message("win a prize", from: "prize@spam.example"))
        try d.write("[Gmail]/Trash/cur/1700000031.H.host:2,S", message("deleted"))
        try d.write("[Gmail].Drafts/cur/1700000032.I.host:2,", message("offlineimap draft"))
        try d.write("Junk E-mail/cur/1700000040.J.host:2,", message("exchange junk", from: "x@spam.example"))
        try d.write("Deleted Items/cur/1700000041.K.host:2,S", message("exchange deleted"))
        try d.write("Outbox/cur/1700000042.L.host:2,", message("waiting to go", from: "me@example.com"))
        try d.write(".Trash/cur/1700000050.M.host:2,S", message("maildir++ trash"))
        try d.write(".INBOX.Junk/cur/1700000051.N.host:2,", message("maildir++ junk"))
        try d.write("Deleted Messages/cur/1700000052.O.host:2,", message("apple deleted"))
        try d.write("Papierkorb/cur/1700000053.P.host:2,", message("german trash"))
        return d
    }

    @Test func aMaildirTreeLeavesOutDraftsJunkTrashAndOutboxByDefault() throws {
        let d = try Self.maildirTree()
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url, include: [])
        #expect(copies.map(\.folder).sorted() == ["Archive/2024", "INBOX", "Sent"])
        #expect(summary.leftOut == [.drafts: 3, .junk: 3, .trash: 6, .outbox: 1])
        #expect(summary.found == copies.count + 13)
        #expect(summary.inWindow == copies.count)
    }

    @Test func includeFoldersImportsTheNamedReasonsAgain() throws {
        let d = try Self.maildirTree()
        let (copies, summary) = try ExtractFixtures.scan(.maildir, d.url, include: [.drafts, .outbox])
        #expect(Set(copies.map(\.folder)) == ["Archive/2024", "INBOX", "Sent", "Drafts", "[Gmail].Drafts", "Outbox"])
        #expect(summary.leftOut == [.junk: 3, .trash: 6])
        let (all, allSummary) = try ExtractFixtures.scan(.maildir, d.url, include: Set(LeftOutReason.allCases))
        #expect(all.count == 16)
        #expect(allSummary.leftOut.isEmpty)
    }

    @Test func aThunderbirdProfileLeavesOutItsDraftsJunkTrashAndUnsentMessages() throws {
        let d = try TempDir()
        func mbox(_ subjects: String...) -> String {
            subjects.map { "From - Mon Nov 16 10:00:00 2026\nX-Mozilla-Status: 0001\n" + Self.message($0) + "\n" }.joined()
        }
        try d.write("Inbox", mbox("a", "b"))
        try d.write("Inbox.msf", "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
        try d.write("Sent", mbox("sent"))
        try d.write("Drafts", mbox("draft"))
        try d.write("Junk", mbox("junk 1", "junk 2"))
        try d.write("Trash", mbox("trash"))
        try d.write("Trash.sbd/Old Project", mbox("a folder deleted into the trash"))
        try d.write("Unsent Messages", mbox("outbox"))
        try d.write("Archives.sbd/2025", mbox("archived"))
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        #expect(copies.map(\.folder) == ["Archives/2025", "Inbox", "Inbox", "Sent"])
        #expect(summary.leftOut == [.drafts: 1, .junk: 2, .trash: 2, .outbox: 1])
    }

    @Test func thunderbirdMessagesMarkedExpungedAreLeftOutUntilTheFolderIsCompacted() throws {
        let d = try TempDir()
        // Thunderbird's Inbox before compaction: "b" was moved to the Trash (0x0008 expunged, with 0x0001 read),
        // "c" deleted with Shift+Del while unread; "d" was read and replied to (0x0003), "e" is marked (0x0004).
        let inbox = MboxCopyIdentityTests.thunderbird("a", status: "0001") + MboxCopyIdentityTests.thunderbird("b", status: "0009")
            + MboxCopyIdentityTests.thunderbird("c", status: "0008") + MboxCopyIdentityTests.thunderbird("d", status: "0003")
            + MboxCopyIdentityTests.thunderbird("e", status: "0005")
        try d.write("Inbox", inbox)
        try d.write("Trash", MboxCopyIdentityTests.thunderbird("b", status: "0001"))
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        let subjects = try copies.map { c -> String in
            let bytes = String(decoding: try ExtractFixtures.bytes(d.url, c.locator), as: UTF8.self)
            return "\(c.folder): " + (bytes.split(separator: "\n").first { $0.hasPrefix("Subject: ") } ?? "?")
        }
        #expect(subjects == ["Inbox: Subject: Order a", "Inbox: Subject: Order d", "Inbox: Subject: Order e"])
        #expect(summary.leftOut == [.trash: 3])
        #expect(try ExtractFixtures.scan(.mbox, d.url, include: [.trash]).copies.count == 6)
    }

    /// Google Takeout's "All mail Including Spam and Trash.mbox", as Takeout writes it: `X-GM-THRID`, then
    /// `X-Gmail-Labels` as a CSV line.
    static func takeout(_ labels: String, _ subject: String) -> String {
        "From 1790000000000000000@xxx Mon Nov 16 10:00:00 +0000 2026\nX-GM-THRID: 1790000000000000000\n"
            + "X-Gmail-Labels: \(labels)\n" + message(subject) + "\n"
    }

    static let takeoutFile = "Takeout/Mail/All mail Including Spam and Trash.mbox"

    static func takeoutExport() throws -> TempDir {
        let d = try TempDir()
        try d.write(takeoutFile, [
            takeout("Inbox,Important,Opened,Category Personal", "inbox"),
            takeout("Sent,Opened", "sent"),
            takeout("Spam,Unread", "spam"),
            takeout("Trash,Opened,Clients/Acme", "trash"),
            takeout("Draft", "draft"),
            takeout("Archived,Opened,Clients/Acme,\"Projects, 2026\"", "labelled"),
            takeout("Opened,Archived,Category Updates", "archived"),
            takeout("=?UTF-8?Q?Pers=C3=B6nlich?=,Inbox,Unread", "encoded label"),
            takeout("Posteingang,Wichtig,Papierkorb", "german trash"),
        ].joined())
        return d
    }

    @Test func aTakeoutMessagesLabelsAreItsCopiesFolders() throws {
        let d = try Self.takeoutExport()
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        let folders = copies.map { c -> String in
            let bytes = String(decoding: try! ExtractFixtures.bytes(d.url, c.locator), as: UTF8.self)
            let subject = bytes.split(separator: "\n").first { $0.hasPrefix("Subject: ") }!.dropFirst(9)
            return "\(subject) → \(c.folder)"
        }
        #expect(folders == [
            "inbox → INBOX", "sent → Sent", "labelled → Clients/Acme", "labelled → Projects, 2026",
            "archived → Archived", "encoded label → Persönlich", "encoded label → INBOX",
        ])
        #expect(summary.leftOut == [.junk: 1, .trash: 2, .drafts: 1])
        // One message under two labels: two copies of it, with distinct ids in their folders.
        let labelled = copies.filter { $0.folder == "Clients/Acme" || $0.folder == "Projects, 2026" }
        #expect(labelled.count == 2 && labelled[0].locator == labelled[1].locator)
        #expect(labelled.map { $0.copyId.hasPrefix("box/\($0.folder)/") } == [true, true])
    }

    /// A message as Google Takeout writes it into its mbox: CRLF lines, the From_ line of Gmail's message id,
    /// X-GM-THRID, X-Gmail-Labels (folded when long), then the message as Gmail received it.
    static func realTakeout(_ labels: String, _ tag: String) -> String {
        [
            "From 1790123456789012345@xxx Mon Nov 16 10:00:00 +0000 2026",
            "X-GM-THRID: 1790123456789012345",
            "X-Gmail-Labels: \(labels)",
            "Delivered-To: me@example.com",
            "Received: by 2002:a05:6a10:8e0b:b0:52f:1d4:a5c1 with SMTP id x11csp4162331pxl;",
            "        Mon, 16 Nov 2026 02:00:01 -0800 (PST)",
            "Return-Path: <ann@customer.example>",
            "MIME-Version: 1.0",
            "Date: Mon, 16 Nov 2026 10:00:00 +0000",
            "Message-ID: <CAF7x9+\(tag)@mail.gmail.com>",
            "Subject: \(tag)",
            "From: Ann Lee <ann@customer.example>",
            "To: me@example.com",
            "Content-Type: text/plain; charset=\"UTF-8\"",
            "",
            "About \(tag).",
            "",
            "",
        ].joined(separator: "\r\n")
    }

    @Test func aRealTakeoutExportsKeywordLabelsTabsAndFrenchLabelsAreNotFolders() throws {
        let d = try TempDir()
        try d.write(Self.takeoutFile, [
            Self.realTakeout(#"Archived,Category Promotions,Opened,IMAP_$NotJunk,"Clients, Acme""#, "promo"),
            Self.realTakeout("Inbox,Important,IMAP_$Forwarded,Category Updates,\r\n Opened", "forwarded"),
            Self.realTakeout("=?UTF-8?Q?Messages_archiv=C3=A9s,Ouvert,Cat=C3=A9gorie=C2=A0:_E-mails_?=\r\n"
                             + #" =?UTF-8?Q?personnels,"Culture,_associations,_=C3=A9v=C3=A9nements"?="#, "french"),
            Self.realTakeout("=?UTF-8?Q?Corbeille,Ouvert?=", "french trash"),
            Self.realTakeout("", "no labels"),
            Self.realTakeout(#"Inbox,"Clients/Acme"#, "unclosed quote"),
        ].joined())
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        let folders = copies.map { c -> String in
            let bytes = String(decoding: try! ExtractFixtures.bytes(d.url, c.locator), as: UTF8.self)
            let subject = bytes.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }!.dropFirst(9)
            return "\(subject) → \(c.folder)"
        }
        #expect(folders == [
            "promo → Clients, Acme", "forwarded → INBOX", "french → Culture, associations, événements",
            "no labels → All Mail", "unclosed quote → INBOX", "unclosed quote → Clients/Acme",
        ])
        #expect(summary.leftOut == [.trash: 1])
        #expect(copies.allSatisfy { $0.date == "2026-11-16T10:00:00Z" })
    }

    @Test func takeoutIsRecognizedByItsHeaderWhateverTheFileIsCalled() throws {
        let d = try TempDir()
        try d.write("export.mbox", Self.takeout("Inbox", "one") + Self.takeout("Spam", "two"))
        let (copies, summary) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        #expect(copies.map(\.folder) == ["INBOX"])
        #expect(summary.leftOut == [.junk: 1])
        let kept = try ExtractFixtures.scan(.mbox, d.url, include: [.junk]).copies
        #expect(kept.map(\.folder) == ["INBOX", "Spam"])
    }

    @Test func aTakeoutMessageExportedInTwoLabelFilesIsOneSetOfCopies() throws {
        let d = try TempDir()
        let both = Self.takeout("Inbox,Clients", "in both files")
        try d.write("Inbox.mbox", both + Self.takeout("Inbox", "only in the inbox"))
        try d.write("Clients.mbox", both)
        let (copies, _) = try ExtractFixtures.scan(.mbox, d.url, include: [])
        #expect(copies.map(\.folder).sorted() == ["Clients", "INBOX", "INBOX"])
        #expect(Set(copies.map(\.copyId)).count == copies.count)
    }
}
