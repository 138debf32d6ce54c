import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// A conversation whose messages reach one SQLite store through two workers (`run --mailbox`), each threading only
/// its own mail. Mailbox `a` (Dana, Gmail) holds the customer's first message and Dana's reply, with full
/// References. Mailbox `b` (Sam, a colleague in Cc later) holds the customer's next reply, written in Outlook,
/// which names only its parent in In-Reply-To, and Sam's Gmail answer to it: alone, `b`'s worker finds the
/// placeholder of Dana's reply as the root. Whatever the order of the loads, the store ends with the thread one
/// process loading both mailboxes makes.
@Suite("Threads across workers (SQLite)", .serialized)
struct CrossWorkerThreadTests {
    static let root = "<CAF=kickoff.1@mail.gmail.com>"
    static let reply = "<CAF=kickoff.2@mail.gmail.com>"
    static let outlook = "<DB9PR01MB7788.eurprd01.prod.outlook.com@contoso.example>"
    static let last = "<CAF=kickoff.4@mail.gmail.com>"

    static func message(_ id: String, from: String, to: String, cc: String? = nil, date: String, subject: String,
                        inReplyTo: String? = nil, references: String? = nil, body: String) -> String {
        var h = ["Message-ID: \(id)", "Date: \(date)", "From: \(from)", "To: \(to)"]
        if let cc { h.append("Cc: \(cc)") }
        h.append("Subject: \(subject)")
        if let inReplyTo { h.append("In-Reply-To: \(inReplyTo)") }
        if let references { h.append("References: \(references)") }
        h += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8"]
        return h.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// Two Maildir mailboxes and a pipeline with the store given (SQLite unless told).
    final class Fixture {
        let dir = StoreTempDir()
        let pipeline: String
        let store: String
        private var runs = 0

        init(store: String = "sqlite:crm.sqlite") throws {
            self.store = store
            let fm = FileManager.default
            let mia = "Mia Chen <Mia.Chen@contoso.example>"
            let dana = "Dana Reyes <dana.reyes@northwind.example>"
            let sam = "Sam Ito <sam.ito@northwind.example>"
            let files: [(String, String, String)] = [
                ("a/INBOX", "1794000001.1_1.host:2,S", CrossWorkerThreadTests.message(
                    CrossWorkerThreadTests.root, from: mia, to: dana, date: "Tue, 10 Nov 2026 09:00:00 +0000",
                    subject: "Kickoff plan", body: "Can we meet next week to plan the rollout?")),
                ("a/Sent", "1794000002.1_2.host:2,S", CrossWorkerThreadTests.message(
                    CrossWorkerThreadTests.reply, from: dana, to: mia, date: "Wed, 11 Nov 2026 10:00:00 +0000",
                    subject: "Re: Kickoff plan", inReplyTo: CrossWorkerThreadTests.root,
                    references: CrossWorkerThreadTests.root, body: "Thursday works. Adding Sam later.")),
                ("b/INBOX", "1794000003.1_3.host:2,S", CrossWorkerThreadTests.message(
                    CrossWorkerThreadTests.outlook, from: mia, to: dana, cc: sam,
                    date: "Thu, 12 Nov 2026 08:30:00 +0000", subject: "RE: Kickoff plan",
                    inReplyTo: CrossWorkerThreadTests.reply, body: "Thursday it is. Sam, please join.")),
                ("b/Sent", "1794000004.1_4.host:2,S", CrossWorkerThreadTests.message(
                    CrossWorkerThreadTests.last, from: sam, to: mia, cc: dana, date: "Thu, 12 Nov 2026 11:00:00 +0000",
                    subject: "Re: Kickoff plan", inReplyTo: CrossWorkerThreadTests.outlook,
                    references: "\(CrossWorkerThreadTests.reply) \(CrossWorkerThreadTests.outlook)",
                    body: "I will be there.")),
            ]
            for (folder, name, text) in files {
                for sub in ["cur", "new", "tmp"] {
                    try fm.createDirectory(at: dir.url.appendingPathComponent("mail/\(folder)/\(sub)"),
                                           withIntermediateDirectories: true)
                }
                try text.write(to: dir.url.appendingPathComponent("mail/\(folder)/cur/\(name)"), atomically: false,
                               encoding: .utf8)
            }
            try "id,name,emails\nC001,Mia Chen,Mia.Chen@contoso.example\n"
                .write(to: dir.url.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
            pipeline = dir.file("threads.yml")
            try """
                name: threads
                mailboxes:
                  - name: a
                    source: maildir
                    path: mail/a
                    owner: [dana.reyes@northwind.example]
                  - name: b
                    source: maildir
                    path: mail/b
                    owner: [sam.ito@northwind.example]
                ownDomains: [northwind.example]
                contacts: contacts.csv
                backfillDays: 60
                store: \(store)

                """.write(toFile: pipeline, atomically: false, encoding: .utf8)
        }

        /// `mailroom run PIPELINE [--mailbox NAME]`, into a run directory of its own.
        func run(_ mailbox: String?) throws {
            let r = try PostgresPipelineTests.mailroom(arguments(mailbox))
            #expect(r.status == 0, "\(r.stderr)")
        }

        /// The arguments of the next run, with a run directory of its own.
        func arguments(_ mailbox: String?) -> [String] {
            runs += 1
            return ["run", pipeline, "--as-of", "2026-11-20", "--quiet", "--run-dir", dir.file("run\(runs)")]
                + (mailbox.map { ["--mailbox", $0] } ?? [])
        }

        func dump() throws -> String { try PostgresPipelineTests.dump(pipeline) }
    }

    static func rows(_ dump: String, _ table: String) -> [Substring] {
        dump.split(separator: "\n").filter { $0.hasPrefix(table + "|") }
    }

    @Test func mailboxAThenBAndBThenAStoreTheThreadOfOneRunOverBoth() throws {
        let together = try Fixture()
        try together.run(nil)
        let expected = try together.dump()
        let thread = ThreadBuilder.threadId(rootId: String(Self.root.dropFirst().dropLast()))
        #expect(Self.rows(expected, "threads").count == 1)
        #expect(Self.rows(expected, "threads").first?.contains("id='\(thread)'") == true, "\(expected)")
        #expect(Self.rows(expected, "messages").count == 4)

        for order in [["a", "b"], ["b", "a"]] {
            let f = try Fixture()
            for m in order { try f.run(m) }
            let dump = try f.dump()
            #expect(Self.rows(dump, "threads") == Self.rows(expected, "threads"), "order \(order)")
            #expect(Self.rows(dump, "messages") == Self.rows(expected, "messages"), "order \(order)")
            #expect(Self.rows(dump, "thread_contacts") == Self.rows(expected, "thread_contacts"), "order \(order)")
            #expect(dump == expected, "order \(order)")
            // A rerun of either worker's task changes nothing.
            try f.run(order[0])
            #expect(try f.dump() == expected, "rerun after \(order)")
        }
    }
}
