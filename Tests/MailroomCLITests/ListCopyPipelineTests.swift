import Foundation
import Testing

/// The same email received directly and through mailing lists (Mailman 2 and 3, a Google Group) is one message
/// in one thread, showing the copy without list decoration whichever came first; a Message-ID reused with another
/// sender or another date stays a message of its own, threaded by its own headers (see `ListCopyMail`). Run as a
/// user would, over a Maildir tree and the same messages in one mbox.
@Suite struct ListCopyPipelineTests {
    enum Layout: String, CaseIterable, CustomTestStringConvertible {
        case maildir, mbox
        var testDescription: String { rawValue }
    }

    /// The mailbox and its pipeline in a new temporary folder; returns (folder, pipeline).
    static func mailbox(_ layout: Layout) throws -> (URL, URL) {
        let tmp = MailroomProcess.tempDir("lists")
        switch layout {
        case .maildir: try ListCopyMail.writeMaildir(tmp.appendingPathComponent("mail"))
        case .mbox: try ListCopyMail.mbox().write(to: tmp.appendingPathComponent("all.mbox"))
        }
        let pipeline = tmp.appendingPathComponent("p.yml")
        try ListCopyMail.pipeline(source: layout.rawValue, path: layout == .maildir ? "mail" : "all.mbox")
            .write(to: pipeline, atomically: false, encoding: .utf8)
        return (tmp, pipeline)
    }

    static let window = ["--as-of", "2026-11-20", "--days", "30"]

    static let priya = "CAF1142x9PriyaN@mail.contoso.example"
    static let tomas = "6f1e2d3c-aa10-4b7e-9c55-0d1e2f3a4b5c@fabrikam.example"
    static let kenji = "TYAPR01MB58661142D0E7A3C8E1B2C4E5F6A7B8C9D@tyapr01mb5866.jpnprd01.prod.outlook.com"
    static let clockId = "20261113093000.GA1234@localhost"
    static let ticket = "ticket-77@help.tailspin.example"

    @Test(arguments: Layout.allCases)
    func eachEmailIsOneMessageInOneThreadAndTheReportCountsTheMergedListCopies(_ layout: Layout) throws {
        let (tmp, pipeline) = try Self.mailbox(layout)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let run = tmp.appendingPathComponent("run")
        let r = try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--run-dir", run.path, "--json"] + Self.window)
        try #require(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let messages = try #require(report["messages"] as? [String: Any])
        // 12 copies: three emails twice (direct and list), six other messages.
        for (k, v) in ["found": 12, "extracted": 12, "duplicates": 3, "mergedCopies": 3, "unique": 9] {
            #expect(messages[k] as? Int == v, "messages.\(k)")
        }
        #expect(report["duplicatesByReason"] as? [String: Int] == ["list-or-transport-copy": 3])
        #expect((report["threads"] as? [String: Any])?["total"] as? Int == 6)

        let deduped = try RunFiles.ndjson(run.appendingPathComponent("dedupe/messages.ndjson"))
        #expect(deduped.count == 9)
        func record(_ id: String) throws -> [String: Any] {
            try #require(deduped.first { ($0["key"] as? String) == "mid:" + id }, "mid:\(id)")
        }
        func copyIds(_ r: [String: Any]) -> [String] {
            ((r["copies"] as? [[String: Any]]) ?? []).compactMap { $0["copyId"] as? String }
        }
        // Each email shows its direct copy: no tag, no list headers, no list Sender, the author's date.
        let shown: [(String, String, String)] = [
            (Self.priya, "Order 1142 arrived damaged", "2026-11-10T08:15:02Z"),
            (Self.tomas, "Shipping schedule for December", "2026-11-11T22:40:11Z"),
            (Self.kenji, "Invoice 2026-118 question", "2026-11-12T08:02:44Z"),
        ]
        for (id, subject, date) in shown {
            let m = try record(id)
            #expect(m["subject"] as? String == subject, "\(id)")
            #expect((m["bulk"] as? [String]) == [], "\(id)")
            #expect(m["sender"] is NSNull, "\(id)")
            #expect(m["date"] as? String == date, "\(id)")
            #expect(copyIds(m).count == 2, "\(id)")
            #expect((m["snippet"] as? String)?.contains("mailing list") == false, "\(id)")
            #expect((m["snippet"] as? String)?.contains("Google Groups") == false, "\(id)")
        }
        // Copies stay in input order: Priya's direct copy came first, Tomás's and Kenji's list copies did.
        let extracted = try RunFiles.ndjson(run.appendingPathComponent("extract/messages.ndjson"))
            .compactMap { $0["copyId"] as? String }
        #expect(copyIds(try record(Self.priya)) == [extracted[1], extracted[2]])
        #expect(copyIds(try record(Self.tomas)) == [extracted[3], extracted[4]])
        #expect(copyIds(try record(Self.kenji)) == [extracted[0], extracted[5]])
        #expect(try record(Self.tomas)["copyId"] as? String == extracted[4])
        #expect(try record(Self.kenji)["copyId"] as? String == extracted[5])

        // A Message-ID reused with another sender, or another date, is another message.
        let keys = deduped.compactMap { $0["key"] as? String }
        #expect(keys.filter { $0.hasPrefix("mid:" + Self.clockId) }.count == 2)
        #expect(keys.filter { $0.hasPrefix("mid:" + Self.ticket) }.count == 2)

        let dropped = try RunFiles.ndjson(run.appendingPathComponent("dedupe/duplicates.ndjson"))
        #expect(dropped.compactMap { $0["reason"] as? String } == Array(repeating: "list-or-transport-copy", count: 3))
        #expect(Set(dropped.compactMap { $0["key"] as? String }) == Set([Self.priya, Self.tomas, Self.kenji].map { "mid:" + $0 }))

        // Threads: the reused-id messages are threaded by their own In-Reply-To / References.
        let threads = try RunFiles.ndjson(run.appendingPathComponent("match/threads.ndjson"))
        func thread(of key: String) -> Set<String>? {
            threads.first { (($0["messageKeys"] as? [String]) ?? []).contains(key) }
                .map { Set(($0["messageKeys"] as? [String]) ?? []) }
        }
        let reusedClock = try #require(keys.first { $0.hasPrefix("mid:" + Self.clockId + "#") })
        let reusedTicket = try #require(keys.first { $0.hasPrefix("mid:" + Self.ticket + "#") })
        #expect(thread(of: reusedClock) == [reusedClock, "mid:dana-quote-5@northwind.example"])
        #expect(thread(of: "mid:" + Self.clockId) == ["mid:" + Self.clockId])
        #expect(thread(of: reusedTicket) == [reusedTicket, "mid:" + Self.ticket, "mid:dana-ticket-77@northwind.example"])
        for id in [Self.priya, Self.tomas, Self.kenji] { #expect(thread(of: "mid:" + id)?.count == 1, "\(id)") }
    }

    @Test func theTextReportShowsTheMergedListCopiesApartFromTheDuplicates() throws {
        let (tmp, pipeline) = try Self.mailbox(.maildir)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--run-dir", tmp.appendingPathComponent("run").path]
            + Self.window)
        try #require(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        for expected in ["duplicate copies dropped 3",
                         "merged across lists 3 (list or transport copies: same Message-ID, sender and date)",
                         "unique messages 9", "total 6"] {
            #expect(lines.contains(expected), "missing line: \(expected)\n\(r.stdout)")
        }
    }

    /// Dedupe rerun from normalize's file (its first pass reading the lines) writes what the run wrote when
    /// normalize handed it the decisions.
    @Test func rerunningDedupeFromTheFilesGivesTheSameBytes() throws {
        let (tmp, pipeline) = try Self.mailbox(.maildir)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let run = tmp.appendingPathComponent("run")
        try #require(try MailroomProcess.run(["run", pipeline.path, "--dry-run", "--run-dir", run.path] + Self.window).status == 0)
        let files = ["dedupe/messages.ndjson", "dedupe/duplicates.ndjson"]
        let before = try files.map { try RunFiles.bytes(run.appendingPathComponent($0)) }
        let r = try MailroomProcess.run(["stage", "dedupe", "--run", run.path])
        try #require(r.status == 0, "\(r.stderr)")
        for (f, b) in zip(files, before) {
            #expect(RunFiles.firstDifference(expected: b, actual: try RunFiles.bytes(run.appendingPathComponent(f))) == nil, "\(f)")
        }
    }

    /// Loaded, the mailbox holds one message row per email, and `review` passes its duplicate-message check.
    @Test func aLoadStoresOneRowPerEmailAndReviewPasses() throws {
        let (tmp, pipeline) = try Self.mailbox(.maildir)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let load = try MailroomProcess.run(["run", pipeline.path, "--run-dir", tmp.appendingPathComponent("run").path,
                                            "--quiet"] + Self.window)
        try #require(load.status == 0, "\(load.stderr)")
        let review = try MailroomProcess.run(["review", pipeline.path, "--json"])
        #expect(review.status == 0, "\(review.stdout)\(review.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(review.stdoutBytes)) as? [String: Any])
        let checks = try #require(doc["checks"] as? [[String: Any]])
        let check = try #require(checks.first { $0["check"] as? String == "duplicate-message" })
        #expect(check["status"] as? String == "ok")
    }
}
