import Foundation

/// A mailbox where the same emails arrive twice, directly and through mailing lists, written as the list servers
/// write their copies, plus Message-IDs reused by other messages. Owner: dana.reyes@northwind.example.
///
/// - `priya`: Mailman 2.1: `[support] ` subject tag, List-* headers, `Precedence: list`, Sender and Return-Path
///   set to the list's bounce address, Received headers added, the charset rewritten and the footer appended to
///   the text. Direct copy first.
/// - `tomas`: Mailman 3: the tag and List-* headers, and the footer as an extra MIME part (the message becomes
///   multipart/mixed). List copy first.
/// - `kenji`: a Google Group (Workspace): no tag, Google's List-* headers, Sender changed, a text footer, and the
///   Date header re-rendered in UTC (the same instant as the author's +0900). The group's copy is filed in the
///   folder `Groups`, which comes before INBOX: list copy first.
/// - `alex` and `marta`: two different messages with one Message-ID and the same Date, from different senders
///   (an id generated from the clock on `localhost`); Marta's answers Dana's quote by In-Reply-To.
/// - `ticket`: a help desk that reuses the ticket's Message-ID for its update (another date, same sender); the
///   update names the ticket by In-Reply-To / References and has a subject of its own. Dana answered the ticket.
enum ListCopyMail {
    /// (folder, file name, text), in the order extract reads them (folders by name, files by name). File names
    /// are Maildir unique names numbered by arrival (`1793000105.M5P1.mx:2,S` is the fifth message delivered).
    static let files: [(folder: String, name: String, text: String)] = [
        ("Groups", 5, kenjiGroup),
        ("INBOX", 1, priyaDirect), ("INBOX", 2, priyaMailman2), ("INBOX", 3, tomasMailman3), ("INBOX", 4, tomasDirect),
        ("INBOX", 6, kenjiDirect), ("INBOX", 7, alex), ("INBOX", 8, marta), ("INBOX", 9, ticket),
        ("INBOX", 10, ticketUpdate),
        ("Sent", 11, danaQuote), ("Sent", 12, danaTicketReply),
    ].map { ($0.0, maildirName($0.1), $0.2) }

    /// The Maildir unique name of the `n`th message delivered.
    static func maildirName(_ n: Int) -> String { "17930001\(n < 10 ? "0" : "")\(n).M\(n)P1.mx:2,S" }

    /// Writes the files as a Maildir++ tree (INBOX at the root, `.Groups`, `.Sent`) under `dir`.
    static func writeMaildir(_ dir: URL) throws {
        let fm = FileManager.default
        for folder in ["", ".Groups", ".Sent"] {
            for sub in ["cur", "new", "tmp"] {
                try fm.createDirectory(at: dir.appendingPathComponent(folder).appendingPathComponent(sub),
                                       withIntermediateDirectories: true)
            }
        }
        for f in files {
            let folder = f.folder == "INBOX" ? "" : "." + f.folder
            try Data(f.text.utf8).write(to: dir.appendingPathComponent(folder).appendingPathComponent("cur")
                .appendingPathComponent(f.name))
        }
    }

    /// Every message in one mbox file (mboxrd; none has a body line starting with "From "), in `files` order.
    static func mbox() -> Data {
        var out = ""
        for f in files { out += "From MAILER-DAEMON Fri Nov 20 12:00:00 2026\n" + f.text + "\n" }
        return Data(out.utf8)
    }

    /// A pipeline file for the mailbox at `path` (relative to the pipeline), with a SQLite store beside it.
    static func pipeline(source: String, path: String) -> String {
        """
        name: lists
        mailbox:
          source: \(source)
          path: \(path)
          owner: [dana.reyes@northwind.example]
        ownDomains: [northwind.example]
        store: sqlite:crm.sqlite

        """
    }

    static let priyaBody = """

        Hi Dana,

        the pallet for order 1142 arrived with two crushed boxes. Can you send
        replacements this week?

        Thanks,
        Priya

        """

    static let priyaDirect = """
        Return-Path: <priya.natarajan@contoso.example>
        Delivered-To: dana.reyes@northwind.example
        Received: from mail.contoso.example (mail.contoso.example [203.0.113.25])
         by mx1.northwind.example (Postfix) with ESMTPS id 4Kx1Zq0abcz9
         for <dana.reyes@northwind.example>; Tue, 10 Nov 2026 08:15:04 +0000 (UTC)
        From: Priya Natarajan <priya.natarajan@contoso.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Cc: support@lists.northwind.example
        Subject: Order 1142 arrived damaged
        Date: Tue, 10 Nov 2026 09:15:02 +0100
        Message-ID: <CAF1142x9PriyaN@mail.contoso.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="UTF-8"
        Content-Transfer-Encoding: 7bit

        """ + priyaBody

    static let priyaMailman2 = """
        Return-Path: <support-bounces@lists.northwind.example>
        Delivered-To: dana.reyes@northwind.example
        Received: from lists.northwind.example (lists.northwind.example [198.51.100.10])
         by mx1.northwind.example (Postfix) with ESMTP id 4Kx1Zr2defz3
         for <dana.reyes@northwind.example>; Tue, 10 Nov 2026 08:15:09 +0000 (UTC)
        Received: from mail.contoso.example (mail.contoso.example [203.0.113.25])
         by lists.northwind.example (Postfix) with ESMTPS id 1A2B3C4D5E
         for <support@lists.northwind.example>; Tue, 10 Nov 2026 08:15:05 +0000 (UTC)
        From: Priya Natarajan <priya.natarajan@contoso.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Cc: support@lists.northwind.example
        Subject: [support] Order 1142 arrived damaged
        Date: Tue, 10 Nov 2026 09:15:02 +0100
        Message-ID: <CAF1142x9PriyaN@mail.contoso.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: 7bit
        X-BeenThere: support@lists.northwind.example
        X-Mailman-Version: 2.1.39
        Precedence: list
        List-Id: Northwind customer support <support.lists.northwind.example>
        List-Unsubscribe: <https://lists.northwind.example/mailman/options/support>,
         <mailto:support-request@lists.northwind.example?subject=unsubscribe>
        List-Archive: <https://lists.northwind.example/pipermail/support/>
        List-Post: <mailto:support@lists.northwind.example>
        List-Help: <mailto:support-request@lists.northwind.example?subject=help>
        List-Subscribe: <https://lists.northwind.example/mailman/listinfo/support>,
         <mailto:support-request@lists.northwind.example?subject=subscribe>
        Errors-To: support-bounces@lists.northwind.example
        Sender: "support" <support-bounces@lists.northwind.example>

        """ + priyaBody + """
        _______________________________________________
        support mailing list
        support@lists.northwind.example
        https://lists.northwind.example/mailman/listinfo/support

        """

    static let tomasBody = """
        Hello team,

        could you confirm the December shipping dates before Friday? Our
        warehouse closes on the 23rd.

        Tom=C3=A1s

        """

    static let tomasDirect = """
        Return-Path: <tomas.ortega@fabrikam.example>
        Received: from mail.fabrikam.example (mail.fabrikam.example [192.0.2.44])
         by mx1.northwind.example (Postfix) with ESMTPS id 4Ky7Lm1xyz2
         for <dana.reyes@northwind.example>; Wed, 11 Nov 2026 22:40:13 +0000 (UTC)
        From: =?utf-8?q?Tom=C3=A1s_Ortega?= <tomas.ortega@fabrikam.example>
        To: support@lists.northwind.example
        Cc: Dana Reyes <dana.reyes@northwind.example>
        Subject: Shipping schedule for December
        Date: Wed, 11 Nov 2026 16:40:11 -0600
        Message-ID: <6f1e2d3c-aa10-4b7e-9c55-0d1e2f3a4b5c@fabrikam.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable


        """ + tomasBody

    static let tomasMailman3 = """
        Return-Path: <support-bounces+dana.reyes=northwind.example@lists.northwind.example>
        Received: from lists.northwind.example (lists.northwind.example [198.51.100.10])
         by mx1.northwind.example (Postfix) with ESMTP id 4Ky7Ln3uvw4
         for <dana.reyes@northwind.example>; Wed, 11 Nov 2026 22:40:12 +0000 (UTC)
        From: =?utf-8?q?Tom=C3=A1s_Ortega?= <tomas.ortega@fabrikam.example>
        To: support@lists.northwind.example
        Cc: Dana Reyes <dana.reyes@northwind.example>
        Subject: [support] Shipping schedule for December
        Date: Wed, 11 Nov 2026 16:40:11 -0600
        Message-ID: <6f1e2d3c-aa10-4b7e-9c55-0d1e2f3a4b5c@fabrikam.example>
        Message-ID-Hash: X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW
        X-Message-ID-Hash: X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW
        X-MailFrom: tomas.ortega@fabrikam.example
        X-Mailman-Rule-Misses: dmarc-mitigation; no-senders; approved; loop; banned-address; member-moderation
        X-Mailman-Version: 3.3.9
        List-Id: Northwind customer support <support.lists.northwind.example>
        Archived-At: <https://lists.northwind.example/archives/list/support@lists.northwind.example/message/X7GQK2M4JZL5W3ZQ2N6T6Y6Q3LQ4Z5XW/>
        List-Archive: <https://lists.northwind.example/archives/list/support@lists.northwind.example/>
        List-Help: <mailto:support-request@lists.northwind.example?subject=help>
        List-Owner: <mailto:support-owner@lists.northwind.example>
        List-Post: <mailto:support@lists.northwind.example>
        List-Subscribe: <mailto:support-join@lists.northwind.example>
        List-Unsubscribe: <mailto:support-leave@lists.northwind.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="===============4216590349419387331=="

        --===============4216590349419387331==
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable


        """ + tomasBody + """

        --===============4216590349419387331==
        Content-Type: text/plain; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit
        Content-Disposition: inline

        _______________________________________________
        support mailing list -- support@lists.northwind.example
        To unsubscribe send an email to support-leave@lists.northwind.example

        --===============4216590349419387331==--

        """

    static let kenjiBody = """

        Hi,

        invoice 2026-118 lists 40 units, but we received 36. Could you issue a
        corrected invoice?

        Best regards,
        Kenji Watanabe

        """

    static let kenjiDirect = """
        Return-Path: <kenji.watanabe@adatum.example>
        Received: from TYAPR01MB5866.jpnprd01.prod.outlook.com (203.0.113.90)
         by mx1.northwind.example (Postfix) with ESMTPS id 4Kz9Qr5stu6
         for <dana.reyes@northwind.example>; Thu, 12 Nov 2026 08:02:47 +0000 (UTC)
        From: Kenji Watanabe <kenji.watanabe@adatum.example>
        To: "ops@northwind.example" <ops@northwind.example>
        CC: Dana Reyes <dana.reyes@northwind.example>
        Subject: Invoice 2026-118 question
        Date: Thu, 12 Nov 2026 17:02:44 +0900
        Message-ID: <TYAPR01MB58661142D0E7A3C8E1B2C4E5F6A7B8C9D@TYAPR01MB5866.jpnprd01.prod.outlook.com>
        Content-Language: ja-JP
        MIME-Version: 1.0
        Content-Type: text/plain; charset="UTF-8"
        Content-Transfer-Encoding: 7bit

        """ + kenjiBody

    static let kenjiGroup = """
        Return-Path: <ops+bncBDL5VJ4W6EJRBQ7N2CZQMGQE2QKXUFQ@northwind.example>
        Received: by mail-sor-f69.google.com with SMTP id 5614622812f47-3e7d1a2b3c4so1234567b6e.3
         for <dana.reyes@northwind.example>; Thu, 12 Nov 2026 00:02:49 -0800 (PST)
        X-BeenThere: ops@northwind.example
        Received: from TYAPR01MB5866.jpnprd01.prod.outlook.com (203.0.113.90)
         by mx.google.com with ESMTPS id a1b2c3d4e5f6
         for <ops@northwind.example>; Thu, 12 Nov 2026 00:02:46 -0800 (PST)
        From: Kenji Watanabe <kenji.watanabe@adatum.example>
        To: "ops@northwind.example" <ops@northwind.example>
        CC: Dana Reyes <dana.reyes@northwind.example>
        Subject: Invoice 2026-118 question
        Date: Thu, 12 Nov 2026 08:02:44 +0000
        Message-ID: <TYAPR01MB58661142D0E7A3C8E1B2C4E5F6A7B8C9D@TYAPR01MB5866.jpnprd01.prod.outlook.com>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="UTF-8"
        X-Original-Sender: kenji.watanabe@adatum.example
        Precedence: list
        Mailing-list: list ops@northwind.example; contact ops+owners@northwind.example
        List-ID: <ops.northwind.example>
        X-Spam-Checked-In-Group: kenji.watanabe@adatum.example
        X-Google-Group-Id: 824619375512
        List-Post: <https://groups.google.com/a/northwind.example/group/ops/post>, <mailto:ops@northwind.example>
        List-Help: <https://support.google.com/a/northwind.example/bin/topic.py?topic=25838>,
         <mailto:ops+help@northwind.example>
        List-Archive: <https://groups.google.com/a/northwind.example/group/ops/>
        List-Unsubscribe: <mailto:googlegroups-manage+824619375512+unsubscribe@googlegroups.com>,
         <https://groups.google.com/a/northwind.example/group/ops/subscribe>
        Sender: ops@northwind.example

        """ + kenjiBody + """

        --
        You received this message because you are subscribed to the Google Groups "Ops" group.
        To unsubscribe from this group and stop receiving emails from it, send an email to ops+unsubscribe@northwind.example.

        """

    static let alex = """
        From: Alex Turner <alex@cloudbench.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Subject: Benchmark results
        Date: Fri, 13 Nov 2026 09:30:00 +0000
        Message-ID: <20261113093000.GA1234@localhost>
        Content-Type: text/plain; charset=us-ascii

        Dana, the benchmark numbers are in the shared folder.

        """

    static let marta = """
        From: =?iso-8859-1?q?Marta_Garc=EDa?= <m.garcia@bluefin.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Subject: Re: Quote 5
        Date: Fri, 13 Nov 2026 09:30:00 +0000
        Message-ID: <20261113093000.GA1234@localhost>
        In-Reply-To: <dana-quote-5@northwind.example>
        References: <dana-quote-5@northwind.example>
        Content-Type: text/plain; charset=us-ascii

        The quote works for us. Please send the order form.

        """

    static let ticket = """
        From: Tailspin Help Desk <help@tailspin.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Subject: Ticket 77 received: damaged pallet
        Date: Mon, 16 Nov 2026 10:00:00 +0000
        Message-ID: <ticket-77@help.tailspin.example>
        Content-Type: text/plain; charset=us-ascii

        We received your request and opened ticket 77.

        """

    static let ticketUpdate = """
        From: Tailspin Help Desk <help@tailspin.example>
        To: Dana Reyes <dana.reyes@northwind.example>
        Subject: Ticket 77 updated: replacement shipped
        Date: Tue, 17 Nov 2026 10:00:00 +0000
        Message-ID: <ticket-77@help.tailspin.example>
        In-Reply-To: <ticket-77@help.tailspin.example>
        References: <ticket-77@help.tailspin.example>
        Content-Type: text/plain; charset=us-ascii

        The replacement pallet for ticket 77 was shipped today.

        """

    static let danaQuote = """
        From: Dana Reyes <dana.reyes@northwind.example>
        To: =?iso-8859-1?q?Marta_Garc=EDa?= <m.garcia@bluefin.example>
        Subject: Quote 5
        Date: Thu, 12 Nov 2026 14:00:00 +0000
        Message-ID: <dana-quote-5@northwind.example>
        Content-Type: text/plain; charset=us-ascii

        Marta, here is quote 5 as discussed.

        """

    static let danaTicketReply = """
        From: Dana Reyes <dana.reyes@northwind.example>
        To: Tailspin Help Desk <help@tailspin.example>
        Subject: Re: Ticket 77 received: damaged pallet
        Date: Mon, 16 Nov 2026 11:00:00 +0000
        Message-ID: <dana-ticket-77@northwind.example>
        In-Reply-To: <ticket-77@help.tailspin.example>
        References: <ticket-77@help.tailspin.example>
        Content-Type: text/plain; charset=us-ascii

        Thanks, please ship the replacement to the Leeds warehouse.

        """
}
