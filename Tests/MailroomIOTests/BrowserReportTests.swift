import Foundation
import MailroomCore
import MailroomIO
import Testing

/// Renders the HTML report of a report full of hostile mail content in headless Chromium (Debian package
/// `chromium`) and checks what a person would see: the counts, the hostile strings as plain text, no script run.
/// Skipped when no Chromium binary is found. Set `MAILROOM_BROWSER_ARTIFACTS` to a directory to keep the page
/// and its screenshot there.
@Suite(.enabled(if: Chromium.path != nil, "no chromium binary found (apt-get install chromium); browser test skipped"))
struct BrowserReportTests {
    static let scriptSubject = "<script>document.title='pwned'</script>"
    static let imgName = "\"><img src=x onerror=alert(1)>"
    static let formulaAddress = "=cmd|' /C calc'!A0@evil.example"

    static func hostileReport() -> DryRunReport {
        var r = DryRunReport(run: .init(runId: "20261126T081500Z", pipeline: "acme-sales", asOf: "2026-11-14", days: 30,
                                        windowStart: "2026-10-16T00:00:00Z", windowEnd: "2026-11-15T00:00:00Z"))
        r.messages.found = 15_000
        r.messages.extracted = 12_345
        r.messages.unique = 11_000
        r.messages.sent = 3_000
        r.messages.received = 8_000
        r.messages.bulk = 1_234
        r.messages.duplicates = 1_345
        r.messages.quarantined = 1
        r.threads.total = 4_321
        r.threads.matched = 1_500
        r.threads.unmatched = 2_000
        r.threads.internalOnly = 821
        r.contacts.total = 2_500
        r.contacts.matched = 640
        r.contacts.duplicateGroups = [ContactGroup(groupId: "g1", contactIds: ["c17", "c42"], reasons: [
            ContactGroupReason(reason: "gmail-dots", key: "janedoe@gmail.com", addresses: ["jane.doe@gmail.com", "janedoe@gmail.com"]),
        ])]
        r.bulkByReason = ["list-unsubscribe": 1_000, "precedence-bulk": 200, "auto-submitted": 34]
        r.duplicatesByReason = ["same-message-id": 1_300, "same-content-hash": 45]
        r.quarantineByReason = ["binary-content": 1]
        r.quarantined = [QuarantineRecord(copyId: "sales/INBOX/7", mailbox: "sales", folder: "INBOX",
                                          locator: Locator(file: "inbox.mbox", offset: 0, length: 10), reason: .binaryContent,
                                          detail: scriptSubject)]
        r.unmatchedAddresses = [
            UnmatchedAddress(address: formulaAddress, name: imgName, messages: 1_200, threads: 40, sentTo: 12,
                             lastSeen: "2026-11-13T10:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "pat@partner.example", name: "Pat Partner", messages: 310, threads: 12, sentTo: 9,
                             lastSeen: "2026-11-12T10:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "news@letters.example", name: nil, messages: 300, threads: 300, sentTo: 0,
                             lastSeen: "2026-11-14T06:00:00Z", bulkOnly: true),
        ]
        var perDay: [DryRunReport.DayCount] = []
        for i in 0..<30 where i % 7 != 3 {
            let day = CivilDay(number: CivilDay(iso: "2026-10-16")!.number + i)
            perDay.append(.init(day: day.iso, sent: 40 + (i * 37) % 90, received: 200 + (i * 53) % 240))
        }
        r.perDay = perDay
        r.folders = ["sales/INBOX": 9_000, "sales/Sent": 3_345]
        r.spotChecks = [
            DryRunReport.SpotCheck(threadId: "t1", subject: scriptSubject, contacts: ["c17"], external: ["jane.doe@gmail.com"],
                                   messages: 4, lastDate: "2026-11-12T09:00:00Z"),
            DryRunReport.SpotCheck(threadId: "t2", subject: "Renewal quote for 2027", contacts: ["c42", "c99"],
                                   external: ["buyer@customer.example", "cfo@customer.example"], messages: 11,
                                   lastDate: "2026-11-10T15:30:00Z"),
        ]
        return r
    }

    @Test func hostileContentRendersAsTextAndNoScriptRuns() throws {
        let chromium = try #require(Chromium.path)
        let dir = try Chromium.workDirectory()
        defer { Chromium.cleanUp(dir) }
        let page = dir.appendingPathComponent("report.html")
        let report = Self.hostileReport()
        try Data(report.html().utf8).write(to: page)

        let dom = try Chromium.run(chromium, ["--dump-dom", page.absoluteString], profile: dir.appendingPathComponent("profile-dom"))
        let title = try #require(Chromium.firstTitle(in: dom))
        #expect(title == report.htmlTitle)
        #expect(!dom.contains("pwned</title>"))
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.lowercased().contains("<img"))
        for figure in ["12,345", "11,000", "4,321", "1,500 (35%)", "821 (19%)", "1,234", "1,200"] {
            #expect(dom.contains(figure), "count \(figure) not on the page")
        }
        // Serialized text nodes escape only & < > (and no quotes): the hostile strings survive as text.
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(dom.contains("=cmd|' /C calc'!A0@evil.example"))

        let shot = dir.appendingPathComponent("report.png")
        _ = try Chromium.run(chromium, ["--screenshot=\(shot.path)", "--window-size=1280,2000", "--hide-scrollbars",
                                        page.absoluteString], profile: dir.appendingPathComponent("profile-shot"))
        let png = try Data(contentsOf: shot)
        #expect(png.count > 40_000, "screenshot is only \(png.count) bytes")
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png.count > 24 ? png[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
        let height = png.count > 24 ? png[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
        #expect(width == 1280 && height == 2000)
    }

    /// The cleanup commands (merge, add-email, a new contact's import) render as text in `<code>` blocks a click
    /// selects whole, with a hostile pipeline path and address shell-quoted and HTML-escaped: what the page
    /// shows is exactly the command to paste.
    @Test func cleanupCommandsAreCopyableCodeBlocksWithTheExactQuotedCommand() throws {
        let chromium = try #require(Chromium.path)
        let dir = try Chromium.workDirectory()
        defer { Chromium.cleanUp(dir) }
        var report = Self.hostileReport()
        let contacts = [Contact(id: "c17", name: "Jane Doe", emails: [ContactsCSV.contactEmail("jane.doe@gmail.com")], line: 2),
                        Contact(id: "c42", name: "Jane D.", emails: [ContactsCSV.contactEmail("janedoe@gmail.com")], line: 3),
                        Contact(id: "c5", name: "Pat Partner", emails: [ContactsCSV.contactEmail("pat@old-partner.example")], line: 4)]
        report.cleanup = CleanupSuggestions.make(groups: report.contacts.duplicateGroups, contacts: contacts,
                                                 unmatched: report.unmatchedAddresses)
        let pipeline = "/srv/crm/it's <b>sales</b> $(rm -rf).yml"
        report.cleanupPaths = CleanupSuggestions.Paths(pipeline: pipeline, contactsFile: nil)
        let page = dir.appendingPathComponent("report.html")
        try Data(report.html().utf8).write(to: page)
        let dom = try Chromium.run(chromium, ["--dump-dom", page.absoluteString], profile: dir.appendingPathComponent("profile-cmd"))
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.contains("<b>sales</b>"))
        let quoted = #"'/srv/crm/it'\''s &lt;b&gt;sales&lt;/b&gt; $(rm -rf).yml'"#
        #expect(dom.contains(#">mailroom contacts merge "# + quoted + " --keep c17 c42</code>"), "\(dom)")
        #expect(dom.contains(">mailroom contacts add-email " + quoted + " c5 pat@partner.example</code>"), "\(dom)")
        // No likely owner: a one-contact CSV (the formula neutralized) imported into the pipeline's store.
        #expect(dom.contains(#">printf 'id,name,emails\n%s\n' 'NEW-1,"#), "\(dom)")
        #expect(dom.contains(#",'\''=cmd|'\'' /C calc'\''!A0@evil.example' &gt; NEW-1.csv &amp;&amp; mailroom contacts import NEW-1.csv --pipeline "# + quoted + "</code>"), "\(dom)")
        #expect(!dom.contains("news@letters.example' &gt;"))
    }

    /// The sample pipeline's dry run, as `mailroom run pipelines/sample.yml --dry-run --format html` renders it.
    @Test func theSampleDataReportRendersWithItsCounts() throws {
        let chromium = try #require(Chromium.path)
        let dir = try Chromium.workDirectory()
        defer { Chromium.cleanUp(dir) }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let report = try Chromium.dryRun(pipeline: repo.appendingPathComponent("pipelines/sample.yml").path,
                                         runDir: dir.appendingPathComponent("sample-run"), days: 60)
        let page = dir.appendingPathComponent("sample.html")
        try Data(report.html().utf8).write(to: page)
        let dom = try Chromium.run(chromium, ["--dump-dom", page.absoluteString], profile: dir.appendingPathComponent("profile-dom"))
        #expect(Chromium.firstTitle(in: dom) == "Mailroom dry run: sample")
        #expect(report.messages.found == 313)
        #expect(dom.contains("of 313 found in the mailboxes"))
        for figure in [report.messages.extracted, report.messages.unique, report.threads.total, report.messages.bulk] {
            #expect(dom.contains(">\(NumberText.grouped(figure))<"), "count \(figure) not on the page")
        }
        #expect(dom.contains("\(report.threads.matched) (\(NumberText.percent(report.threads.matched, of: report.threads.total)))"))
        let shot = dir.appendingPathComponent("sample.png")
        _ = try Chromium.run(chromium, ["--screenshot=\(shot.path)", "--window-size=1280,2000", "--hide-scrollbars",
                                        page.absoluteString], profile: dir.appendingPathComponent("profile-shot"))
        #expect(try Data(contentsOf: shot).count > 40_000)
    }

    /// Hostile headers fed through the real stages (maildir → normalize → dedupe → match → report) stay text.
    @Test func hostileHeadersThroughThePipelineStayText() throws {
        let chromium = try #require(Chromium.path)
        let dir = try Chromium.workDirectory()
        defer { Chromium.cleanUp(dir) }
        let pipeline = try Chromium.hostileMailbox(in: dir.appendingPathComponent("hostile"))
        let report = try Chromium.dryRun(pipeline: pipeline, runDir: dir.appendingPathComponent("hostile-run"), days: 30)
        #expect(report.spotChecks.contains { $0.subject == Self.scriptSubject })
        #expect(report.unmatchedAddresses.contains { $0.name == Self.imgName }, "\(report.unmatchedAddresses)")
        let page = dir.appendingPathComponent("hostile.html")
        try Data(report.html().utf8).write(to: page)
        let dom = try Chromium.run(chromium, ["--dump-dom", page.absoluteString], profile: dir.appendingPathComponent("profile-dom"))
        #expect(Chromium.firstTitle(in: dom) == "Mailroom dry run: hostile")
        #expect(!dom.lowercased().contains("<script"))
        #expect(!dom.lowercased().contains("<img"))
        #expect(!dom.lowercased().contains("<b>buyer"))
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"))
        let csv = CSVExport.unmatchedAddresses(report)
        #expect(csv.contains("\r\n'=2+5@evil.example,"))
    }

}

/// Finding and running headless Chromium for the browser test.
enum Chromium {
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment["MAILROOM_CHROMIUM"].map { [$0] } ?? []
        let candidates = env + ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                                "/usr/lib/chromium/chromium"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// A directory for one test: `$MAILROOM_BROWSER_ARTIFACTS/<test>` when set (kept), else a fresh temporary one.
    static func workDirectory(_ test: String = #function) throws -> URL {
        let name = String(test.prefix { $0 != "(" })
        if let keep = ProcessInfo.processInfo.environment["MAILROOM_BROWSER_ARTIFACTS"] {
            let url = URL(fileURLWithPath: keep, isDirectory: true).appendingPathComponent(name)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ dir: URL) {
        if ProcessInfo.processInfo.environment["MAILROOM_BROWSER_ARTIFACTS"] == nil {
            try? FileManager.default.removeItem(at: dir)
        } else {
            for p in ["profile-dom", "profile-shot", "sample-run", "hostile-run", "hostile"] {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(p))
            }
        }
    }

    /// A dry run of `pipeline` (through match) into `runDir`, and its report.
    static func dryRun(pipeline: String, runDir: URL, days: Int) throws -> DryRunReport {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: runDir,
                                              options: RunOptions(asOf: "2026-11-20", days: days))
        try runner.run(through: .match)
        return try runner.report()
    }

    /// A Maildir whose headers carry markup and spreadsheet formulas, a contact whose name is markup, and a
    /// pipeline file for them; returns the pipeline's path.
    static func hostileMailbox(in root: URL) throws -> String {
        let fm = FileManager.default
        for sub in ["mail/cur", "mail/new", "mail/tmp"] {
            try fm.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let messages = [
            ("1794304800.1.host:2,S", """
            From: Buyer <buyer@customer.example>
            To: Me <me@acme.example>
            Subject: <script>document.title='pwned'</script>
            Date: Tue, 10 Nov 2026 10:00:00 +0000
            Message-ID: <a1@customer.example>

            Hello.
            """),
            ("1794308400.2.host:2,S", """
            From: Me <me@acme.example>
            To: Buyer <buyer@customer.example>
            Subject: Re: <script>document.title='pwned'</script>
            Date: Tue, 10 Nov 2026 11:00:00 +0000
            Message-ID: <a2@acme.example>
            In-Reply-To: <a1@customer.example>

            Hi.
            """),
            ("1794312000.3.host:2,S", """
            From: "\\"><img src=x onerror=alert(1)>" <=2+5@evil.example>
            To: Me <me@acme.example>
            Subject: =HYPERLINK("x")
            Date: Wed, 11 Nov 2026 09:00:00 +0000
            Message-ID: <a3@evil.example>

            Click.
            """),
        ]
        for (name, text) in messages {
            try Data((text + "\n").utf8).write(to: root.appendingPathComponent("mail/cur/\(name)"))
        }
        try Data("id,name,emails\nC1,<b>Buyer</b>,buyer@customer.example\n".utf8).write(to: root.appendingPathComponent("contacts.csv"))
        let yml = """
        name: hostile
        mailbox:
          source: maildir
          path: mail
          owner: [me@acme.example]
        ownDomains: [acme.example]
        contacts: contacts.csv
        backfillDays: 30
        store: sqlite:crm.sqlite
        createContacts: never

        """
        let file = root.appendingPathComponent("hostile.yml")
        try Data(yml.utf8).write(to: file)
        return file.path
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs Chromium headless with its own throwaway profile; returns stdout. Stops it after 120 s.
    static func run(_ binary: String, _ arguments: [String], profile: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                       "--disable-extensions", "--user-data-dir=\(profile.path)"] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        guard p.terminationStatus == 0 else {
            throw Failed(description: "chromium exited with status \(p.terminationStatus) (\(arguments.first ?? ""))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The text of the first `<title>` element (the document's, in the head), entities for & < > decoded.
    static func firstTitle(in dom: String) -> String? {
        guard let open = dom.range(of: "<title>"), let close = dom.range(of: "</title>", range: open.upperBound..<dom.endIndex)
        else { return nil }
        return String(dom[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
