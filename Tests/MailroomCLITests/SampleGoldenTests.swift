import Foundation
import Testing

/// The sample dry run, through the real binary, compared byte for byte with golden files per stage.
///
/// Golden files live in `Tests/MailroomCLITests/Golden/sample/<stage>/<file>.ndjson` and `report.json` (with
/// `run.runId` masked). When a change to the pipeline is meant to change them, regenerate and review the diff:
///
///     MAILROOM_UPDATE_GOLDEN=1 swift test --filter SampleGoldenTests
///
/// With `MAILROOM_UPDATE_GOLDEN=1` the test rewrites the golden files instead of comparing (and records an issue,
/// so an update run is never mistaken for a passing one). Check the new files against sample-data/EXPECTED.md.
@Suite struct SampleGoldenTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/sample")
    static let updating = ProcessInfo.processInfo.environment["MAILROOM_UPDATE_GOLDEN"] == "1"

    /// `"runId":"…"` → `"runId":"<masked>"` (the only field of report.json that differs between runs).
    static func maskRunId(_ bytes: [UInt8]) -> [UInt8] {
        let s = String(decoding: bytes, as: UTF8.self)
        let masked = s.replacingOccurrences(of: #""runId":"[^"]*""#, with: #""runId":"<masked>""#,
                                            options: .regularExpression)
        return Array(masked.utf8)
    }

    /// The sample pipeline with its paths made absolute and its store in `dir`, where none exists: once there is
    /// a store, match reads the store's contacts, so a developer's own load of the sample (pipelines/crm.sqlite)
    /// must not change what the goldens are compared with.
    static func pipelineWithoutStore(in dir: URL) throws -> URL {
        let sample = RunFiles.samplePipeline
        let data = sample.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data").path
        let text = try String(contentsOf: sample, encoding: .utf8)
            .replacingOccurrences(of: "../sample-data", with: data)
        try #require(text.contains("store: sqlite:crm.sqlite"))
        let copy = dir.appendingPathComponent("sample.yml")
        try text.write(to: copy, atomically: false, encoding: .utf8)
        return copy
    }

    @Test func everyStageFileAndTheReportMatchTheGoldenFiles() throws {
        let tmp = MailroomProcess.tempDir("golden")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let runDir = tmp.appendingPathComponent("run-\(UUID().uuidString)")
        try RunFiles.dryRun(try Self.pipelineWithoutStore(in: tmp), runDir: runDir)
        var compared = 0
        for file in RunFiles.stageFiles + ["report.json"] {
            var actual = try RunFiles.bytes(runDir.appendingPathComponent(file))
            if file == "report.json" { actual = Self.maskRunId(actual) }
            let golden = Self.goldenDir.appendingPathComponent(file)
            if Self.updating {
                try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual).write(to: golden)
                continue
            }
            let expected = try RunFiles.bytes(golden)
            if let diff = RunFiles.firstDifference(expected: expected, actual: actual) {
                Issue.record("\(file) differs from Golden/sample/\(file): \(diff)")
            }
            compared += 1
        }
        if Self.updating {
            Issue.record("MAILROOM_UPDATE_GOLDEN=1: golden files rewritten in \(Self.goldenDir.path); review the diff and rerun without it")
        } else {
            #expect(compared == RunFiles.stageFiles.count + 1)
        }
        // The masked report still names the run's real id before masking.
        let report = try RunFiles.jsonObject(runDir.appendingPathComponent("report.json"))
        #expect((report["run"] as? [String: Any])?["runId"] as? String == runDir.lastPathComponent)
    }

    @Test func theGoldenFilesAgreeWithWhatTheSampleHoldsByConstruction() throws {
        // Read the golden files themselves (not a fresh run) against sample-data/EXPECTED.md. The golden run is the
        // pipeline's 60-day window: the 60 calendar days ending with 2026-11-20, from 2026-09-22T00:00Z.
        let g = Self.goldenDir
        let extract = try RunFiles.ndjson(g.appendingPathComponent("extract/messages.ndjson"))
        let normalized = try RunFiles.ndjson(g.appendingPathComponent("normalize/messages.ndjson"))
        let quarantine = try RunFiles.ndjson(g.appendingPathComponent("normalize/quarantine.ndjson"))
        let deduped = try RunFiles.ndjson(g.appendingPathComponent("dedupe/messages.ndjson"))
        let duplicates = try RunFiles.ndjson(g.appendingPathComponent("dedupe/duplicates.ndjson"))
        let contacts = try RunFiles.ndjson(g.appendingPathComponent("dedupe/contacts.ndjson"))
        let groups = try RunFiles.ndjson(g.appendingPathComponent("dedupe/contact-groups.ndjson"))
        let threads = try RunFiles.ndjson(g.appendingPathComponent("match/threads.ndjson"))
        let links = try RunFiles.ndjson(g.appendingPathComponent("match/links.ndjson"))
        let unmatched = try RunFiles.ndjson(g.appendingPathComponent("match/unmatched.ndjson"))

        // Every copy in the window, dated on or after the window start.
        #expect(extract.count == normalized.count + quarantine.count)
        #expect(extract.allSatisfy { (($0["date"] as? String) ?? "") >= "2026-09-22T00:00:00Z" })
        // The broken file (binary data where the header should be) is the only quarantined copy.
        #expect(quarantine.count == 1)
        #expect(quarantine.first?["copyId"] as? String == "default/INBOX/1792674191.17297_181.northwind")
        #expect(quarantine.first?["reason"] as? String == "binary-content")
        let detail = (quarantine.first?["detail"] as? String) ?? ""
        #expect(detail.count > 10)
        // Dedupe: each kept message once, each dropped copy is a second copy in INBOX of an Archive/2026 original.
        #expect(deduped.count + duplicates.count == normalized.count)
        #expect(duplicates.allSatisfy { ($0["folder"] as? String) == "INBOX" })
        let keptKeys = Set(deduped.compactMap { $0["key"] as? String })
        #expect(keptKeys.count == deduped.count)
        #expect(duplicates.allSatisfy { keptKeys.contains(($0["key"] as? String) ?? "") })
        for d in deduped where ((d["copies"] as? [Any])?.count ?? 0) > 1 {
            let folders = ((d["copies"] as? [[String: Any]]) ?? []).compactMap { $0["folder"] as? String }
            #expect(folders.sorted() == ["Archive/2026", "INBOX"], "\(String(describing: d["key"]))")
        }
        #expect(deduped.filter { (($0["copies"] as? [Any])?.count ?? 0) == 2 }.count == duplicates.count)

        // Contacts: 41 rows, 5 duplicate groups with the documented members and reasons.
        #expect(contacts.count == 41)
        let groupMembers = groups.map { (($0["contactIds"] as? [String]) ?? []).joined(separator: ",") }.sorted()
        #expect(groupMembers == ["C001,C017", "C003,C019", "C005,C020", "C008,C018", "C009,C010"])
        let reasons = Set(groups.flatMap { (($0["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String } })
        #expect(reasons == ["case-variant", "plus-tag", "idn-variant", "googlemail-domain", "gmail-dots", "same-address"])

        // Threads: every kept message in exactly one thread; internal-only threads have no external participant.
        let threaded = threads.flatMap { ($0["messageKeys"] as? [String]) ?? [] }
        #expect(threaded.count == deduped.count)
        #expect(Set(threaded) == keptKeys)
        for t in threads {
            let cls = t["classification"] as? String
            let external = (t["external"] as? [String]) ?? []
            let linked = (t["contacts"] as? [Any]) ?? []
            switch cls {
            case "internal-only": #expect(external.isEmpty && linked.isEmpty)
            case "matched": #expect(!external.isEmpty && !linked.isEmpty)
            case "unmatched": #expect(!external.isEmpty && linked.isEmpty)
            default: Issue.record("unknown classification \(cls ?? "nil")")
            }
        }
        // Links point at kept messages; the case-variant address on C001 and C017 is held by C001, the row that
        // comes first (as its import into the store leaves it: C017's copy is `held-by:C001`).
        #expect(links.allSatisfy { keptKeys.contains(($0["messageKey"] as? String) ?? "") })
        let mia = links.filter { (($0["address"] as? String) ?? "").lowercased() == "mia.chen@contoso.example" }
        #expect(!mia.isEmpty)
        #expect(mia.allSatisfy { ($0["ambiguous"] as? [String]) == [] && $0["contactId"] as? String == "C001" })
        let c017 = contacts.first { $0["id"] as? String == "C017" }
        #expect(((c017?["emails"] as? [[String: Any]])?.first?["issue"] as? String) == "held-by:C001")

        // Unmatched addresses are external and on EXPECTED.md's list, most messages first.
        let addresses = unmatched.compactMap { $0["address"] as? String }
        #expect(Set(addresses).isSubset(of: Set(Self.expectedUnmatched.keys)))
        #expect(addresses.first == "laura.bianchi@contoso.example")
        let counts = unmatched.compactMap { $0["messages"] as? Int }
        #expect(counts == counts.sorted(by: >))
    }

    /// sample-data/EXPECTED.md: external addresses on no contact (after folding) and their message counts, over the
    /// whole mailbox.
    static let expectedUnmatched: [String: Int] = [
        "alex@cloudbench.example": 1, "billing@cloudco.example": 3, "digest@pgdigest.example": 13,
        "events@dataconf.example": 2, "laura.bianchi@contoso.example": 22, "lukas.brandt@xn--bcher-kva.example": 13,
        "m.garcia@bluefin.example": 3, "mateus.costa@litware.example": 6, "newsletter@dataweekly.example": 14,
        "noreply@cloudco.example": 3, "procurement@fabrikam.example": 5, "samuel.okonkwo@contso.example": 1,
        "zofia.wisniewska@proseware.example": 2,
    ]

    @Test func theTextReportShowsTheKeyFiguresAndExitsZero() throws {
        let tmp = MailroomProcess.tempDir("golden")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try RunFiles.dryRun(runDir: tmp.appendingPathComponent("run"))
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        for expected in [
            "Dry run of sample: 60 days up to 2026-11-20 (run run)", "Nothing was written to any store.",
            "found in mailboxes 313", "in the window 211 (102 outside it)",
            "quarantined 1 (could not be read, see below)", "duplicate copies dropped 12", "unique messages 198",
            "sent 76", "received 122", "bulk or automated 30",
            "total 62", "matched to contacts 17", "unmatched 27", "internal-only 18 (never shown on contacts)",
            "to match against 41", "likely duplicate groups 5",
            "laura.bianchi@contoso.example 19 1 2026-11-06",
        ] {
            #expect(lines.contains(expected), "missing line: \(expected)")
        }
        #expect(r.stdout.hasSuffix("Run directory: \(tmp.appendingPathComponent("run").path)\n"))
    }

    @Test func theJSONReportIsOneDocumentWithTheKeysIssueTwoNames() throws {
        let tmp = MailroomProcess.tempDir("golden")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let runDir = tmp.appendingPathComponent("run")
        let r = try RunFiles.dryRun(runDir: runDir, extra: ["--json"])
        // Exactly one JSON document: one line, and it parses as a whole.
        #expect(r.stdoutBytes.last == 0x0A)
        #expect(r.stdoutBytes.dropLast().contains(0x0A) == false)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        #expect((doc["schemaVersion"] as? String)?.isEmpty == false)
        let messages = try #require(doc["messages"] as? [String: Any])
        let expectedMessages = ["extracted": 211, "duplicates": 12, "quarantined": 1, "sent": 76, "received": 122, "bulk": 30]
        for (k, v) in expectedMessages { #expect(messages[k] as? Int == v, "messages.\(k)") }
        let threads = try #require(doc["threads"] as? [String: Any])
        for (k, v) in ["total": 62, "matched": 17, "unmatched": 27, "internalOnly": 18] {
            #expect(threads[k] as? Int == v, "threads.\(k)")
        }
        let contacts = try #require(doc["contacts"] as? [String: Any])
        #expect(contacts["duplicateGroups"] as? Int == 5)
        let unmatched = try #require(doc["unmatchedAddresses"] as? [[String: Any]])
        #expect(unmatched.count == 12)
        for u in unmatched {
            #expect(u["address"] is String && u["messages"] is Int && u.keys.contains("lastSeen"))
        }
        #expect(unmatched.first?["address"] as? String == "laura.bianchi@contoso.example")
        #expect(unmatched.first?["lastSeen"] as? String == "2026-11-06T14:21:25Z")
        // The same document as report.json.
        #expect(r.stdoutBytes == (try RunFiles.bytes(runDir.appendingPathComponent("report.json"))))
    }

    @Test func theWholeMailboxGivesTheCountsExpectedMdLists() throws {
        let tmp = MailroomProcess.tempDir("golden")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try RunFiles.dryRun(runDir: tmp.appendingPathComponent("run"), extra: ["--days", "36500", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let messages = try #require(doc["messages"] as? [String: Any])
        // 313 files; the broken one quarantined; 18 second copies dropped; 294 messages.
        for (k, v) in ["found": 313, "extracted": 313, "quarantined": 1, "duplicates": 18, "unique": 294] {
            #expect(messages[k] as? Int == v, "messages.\(k)")
        }
        // 91 threads (43 conversations, 48 single messages), 22 internal-only.
        let threads = try #require(doc["threads"] as? [String: Any])
        #expect(threads["total"] as? Int == 91)
        #expect(threads["internalOnly"] as? Int == 22)
        let issues = try #require(doc["issues"] as? [String: Any])
        #expect(issues["message-id-missing"] as? Int == 3)
        #expect(issues["date-unparseable"] as? Int == 1)
        let unmatched = try #require(doc["unmatchedAddresses"] as? [[String: Any]])
        var got: [String: Int] = [:]
        for u in unmatched { got[(u["address"] as? String) ?? ""] = u["messages"] as? Int }
        #expect(got == Self.expectedUnmatched)

        let runDir = tmp.appendingPathComponent("run")
        let all = try RunFiles.ndjson(runDir.appendingPathComponent("match/threads.ndjson"))
        #expect(all.filter { (($0["messageKeys"] as? [Any])?.count ?? 0) > 1 }.count == 43)
        // 46 distinct participant addresses, 11 of them on own domains; 15 messages with a bücher.example participant
        // (written raw UTF-8 or punycode, one ASCII key).
        let links = try RunFiles.ndjson(runDir.appendingPathComponent("match/links.ndjson"))
        var isInternal: [String: Bool] = [:]
        for l in links { isInternal[((l["address"] as? String) ?? "").lowercased()] = l["internal"] as? Bool }
        #expect(isInternal.count == 46)
        #expect(isInternal.values.filter { $0 }.count == 11)
        let idn = Set(links.filter { (($0["address"] as? String) ?? "").hasSuffix("@xn--bcher-kva.example") }
            .compactMap { $0["messageKey"] as? String })
        #expect(idn.count == 15)
        // 7 messages addressed to the owner's alias.
        let alias = Set(links.filter { ($0["address"] as? String) == "dana@northwind.example" && ($0["role"] as? String) != "from" }
            .compactMap { $0["messageKey"] as? String })
        #expect(alias.count == 7)
        // C011 is linked only through its secondary email.
        #expect(links.contains { ($0["contactId"] as? String) == "C011" && ($0["rule"] as? String) == "other-email" })
        #expect(!links.contains { ($0["contactId"] as? String) == "C011" && ($0["rule"] as? String) == "primary-email" })
    }

    @Test func theSixtyDayWindowHoldsTheMessagesExpectedMdCounts() throws {
        // EXPECTED.md counts 197 distinct dated messages on or after 2026-09-22 00:00 UTC: the 60 calendar days
        // ending with the as-of day, which is what `--days 60` means. The one message with an unparseable Date
        // is dated by its Maildir file name and is in the window too.
        let tmp = MailroomProcess.tempDir("golden")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try RunFiles.dryRun(runDir: tmp.appendingPathComponent("run"), extra: ["--days", "60", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        let messages = try #require(doc["messages"] as? [String: Any])
        #expect(messages["unique"] as? Int == 198)
        // "in 209 files", plus the files of the undated-by-Date message and the broken file (both dated by name).
        #expect(messages["extracted"] as? Int == 211)
        let issues = try #require(doc["issues"] as? [String: Any])
        #expect(issues["date-unparseable"] as? Int == 1)
    }
}
