import Foundation
import GRDB
import Testing

/// Subject joins end to end: an mbox with replies that lost their thread headers, through `mailroom run`, the
/// manifest's counts, the store and `mailroom review`; and the pipeline setting that bounds them.
@Suite struct SubjectJoinCLI {
    static func message(_ id: String, _ date: String, from: String, to: String, subject: String,
                        extra: String = "") -> String {
        """
        From sender@example.invalid Mon Mar  2 09:15:00 2026
        Message-ID: <\(id)>
        Date: \(date)
        From: \(from)
        To: \(to)
        Subject: \(subject)
        \(extra)MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Text of \(id).

        """
    }

    static let dana = "Dana Reyes <dana@northwind.example>"
    static let mia = "Mia Chen <mia.chen@contoso.example>"
    static let raj = "Raj Patel <raj.patel@fabrikam.example>"

    /// "Slides" to Mia; Mia's Outlook answer without thread headers (joins); Raj's "Re: Slides" two days later
    /// (another customer: never joins); Mia's "Re: Slides" 45 days after the thread's last message (too late).
    static let mbox = [
        message("slides-1@northwind.example", "Mon, 2 Mar 2026 09:15:00 +0000", from: dana, to: mia,
                subject: "Slides"),
        message("AM6PR02MB7@eurprd02.prod.outlook.com", "Wed, 4 Mar 2026 16:40:11 +0000", from: mia, to: dana,
                subject: "RE: Slides", extra: "Thread-Topic: Slides\nThread-Index: AdqQx2b5Yk3mZ1lTQ0W8mJc2hQeXAg==\n"),
        message("raj-1@fabrikam.example", "Fri, 6 Mar 2026 10:00:00 +0000", from: raj, to: dana,
                subject: "Re: Slides"),
        message("late-1@contoso.example", "Mon, 20 Apr 2026 10:00:00 +0000", from: mia, to: dana,
                subject: "Re: Slides"),
    ].joined()

    static func setUp(_ dir: URL, extraSetting: String = "") throws -> URL {
        try mbox.write(to: dir.appendingPathComponent("mail.mbox"), atomically: false, encoding: .utf8)
        try "id,name,emails\nc1,Mia Chen,mia.chen@contoso.example\nc2,Raj Patel,raj.patel@fabrikam.example\n"
            .write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let p = dir.appendingPathComponent("p.yml")
        try """
        name: joins
        mailbox:
          source: mbox
          path: mail.mbox
          owner: [dana@northwind.example]
        ownDomains: [northwind.example]
        contacts: contacts.csv
        backfillDays: 90
        \(extraSetting)
        """.write(to: p, atomically: false, encoding: .utf8)
        return p
    }

    static func matchCounts(_ runDir: URL) throws -> [String: Any] {
        let m = try RunFiles.jsonObject(runDir.appendingPathComponent("manifest.json"))
        let match = try #require((m["stages"] as? [String: Any])?["match"] as? [String: Any])
        return try #require(match["counts"] as? [String: Any])
    }

    @Test func aDryRunCountsSubjectJoinsInTheMatchManifestAndJoinsOnlyTheSameCustomer() throws {
        let dir = MailroomProcess.tempDir("subject-joins")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.setUp(dir)
        let runDir = dir.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-04-30", "--run-dir", runDir.path])
        try #require(r.status == 0, "\(r.stderr)")
        let counts = try Self.matchCounts(runDir)
        #expect(counts["subjectJoins"] as? Int == 1)
        #expect(counts["threads"] as? Int == 3)
        let threads = try RunFiles.ndjson(runDir.appendingPathComponent("match/threads.ndjson"))
        let joined = threads.filter { $0["subjectJoins"] != nil }
        #expect(joined.count == 1)
        #expect(joined.first?["subjectJoins"] as? [String] == ["mid:AM6PR02MB7@eurprd02.prod.outlook.com"])
        #expect(joined.first?["messageKeys"] as? [String]
                == ["mid:slides-1@northwind.example", "mid:AM6PR02MB7@eurprd02.prod.outlook.com"])
        // Raj's thread is linked to Raj only: Mia's conversation is not on his timeline.
        for t in threads {
            let contacts = (t["contacts"] as? [[String: Any]] ?? []).compactMap { $0["contactId"] as? String }
            #expect(contacts.count <= 1, "\(t)")
        }
        let m = try RunFiles.jsonObject(runDir.appendingPathComponent("manifest.json"))
        let settings = ((m["stages"] as? [String: Any])?["match"] as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["subjectJoinDays"] as? Int == 30)
    }

    @Test func settingZeroTurnsSubjectJoinsOff() throws {
        let dir = MailroomProcess.tempDir("subject-joins-off")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.setUp(dir, extraSetting: "subjectJoinDays: 0\n")
        let runDir = dir.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-04-30", "--run-dir", runDir.path])
        try #require(r.status == 0, "\(r.stderr)")
        let counts = try Self.matchCounts(runDir)
        #expect(counts["subjectJoins"] as? Int == 0)
        #expect(counts["threads"] as? Int == 4)
    }

    @Test(arguments: [("-1", "must be between 0 and 3650, not -1"), ("a month", "must be a whole number"),
                      ("99999", "must be between 0 and 3650, not 99999")])
    func aBadSubjectJoinDaysIsExitTwoWithItsLine(value: String, message: String) throws {
        let dir = MailroomProcess.tempDir("subject-joins-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.setUp(dir, extraSetting: "subjectJoinDays: \(value)\n")
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-04-30"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("p.yml:9: 'subjectJoinDays' in the pipeline \(message)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path))
    }

    @Test func aLoadRecordsTheJoinAndReviewChecksIt() throws {
        let dir = MailroomProcess.tempDir("subject-joins-load")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.setUp(dir)
        let r = try MailroomProcess.run(["run", p.path, "--as-of", "2026-04-30", "--run-dir",
                                         dir.appendingPathComponent("run").path])
        try #require(r.status == 0, "\(r.stderr)")
        let store = dir.appendingPathComponent("crm.sqlite").path
        let joined = try DatabaseQueue(path: store).read { db in
            try String.fetchAll(db, sql: "SELECT key FROM messages WHERE joined_by_subject = 1")
        }
        #expect(joined == ["mid:AM6PR02MB7@eurprd02.prod.outlook.com"])
        let ok = try MailroomProcess.run(["review", p.path, "--json"])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("subject-join-stranger"))

        // As today's main would have stored Raj's reply: joined to Mia's thread by subject. Review names it.
        try DatabaseQueue(path: store).write { db in
            let thread = try String.fetchOne(db, sql: "SELECT thread_id FROM messages WHERE key = 'mid:slides-1@northwind.example'")
            try db.execute(sql: "UPDATE messages SET thread_id = ?, joined_by_subject = 1 WHERE key = 'mid:raj-1@fabrikam.example'",
                           arguments: [thread])
        }
        let bad = try MailroomProcess.run(["review", p.path])
        #expect(bad.status == 7)
        #expect(bad.stdout.contains("subject-join-stranger"))
        #expect(bad.stdout.contains("message mid:raj-1@fabrikam.example joined it by subject"), "\(bad.stdout)")
    }
}
