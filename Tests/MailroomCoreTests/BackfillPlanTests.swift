import Testing
@testable import MailroomCore

@Suite struct BackfillPlanTests {
    /// 2026-11-27T00:00:00Z: windows end at the start of that day, so the last day planned is 2026-11-26.
    static let asOf: Int64 = 1_795_737_600
    /// 1,000 bytes/s and 1 message/s, so expected times are easy to state.
    static let slow = ProviderLimits(name: "test", bytesPerDay: 86_400_000, messagesPerSecond: 1, connections: 1, source: "test figures")

    static func msg(_ daysAgo: Double, _ bytes: Int, _ thread: String, matched: Bool) -> PlanMessage {
        PlanMessage(date: asOf - Int64(daysAgo * 86_400), bytes: bytes, threadId: thread, matched: matched)
    }

    static let sample: [PlanMessage] = [
        msg(1, 1_000, "t1", matched: true), msg(20, 2_000, "t1", matched: true),
        msg(10, 500, "t2", matched: true),
        msg(5, 300, "t3", matched: false), msg(45, 700, "t3", matched: false),
        msg(80, 4_000, "t4", matched: true),
        msg(200, 10_000, "t5", matched: true),
        msg(400, 50_000, "t6", matched: false),
        PlanMessage(date: nil, bytes: 900, threadId: "t7", matched: false),
        PlanMessage(date: asOf + 10, bytes: 900, threadId: "t8", matched: true),
    ]

    @Test func eachWindowCountsMessagesBytesThreadsAndMatchedThreads() {
        let plan = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow)
        #expect(plan.windows.map(\.days) == [7, 14, 30, 60, 90, 365])
        #expect(plan.windows.map(\.messages) == [2, 3, 4, 5, 6, 7])
        #expect(plan.windows.map(\.bytes) == [1_300, 1_800, 3_800, 4_500, 8_500, 18_500])
        #expect(plan.windows.map(\.threads) == [2, 3, 3, 3, 4, 5])
        #expect(plan.windows.map(\.matchedThreads) == [1, 2, 2, 2, 3, 4])
        #expect(plan.undated == 1)
        #expect(plan.afterWindowEnd == 1)
    }

    @Test func timeIsTheLargerOfBandwidthAndMessageRate() {
        let plan = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow)
        // 7 days: 1,300 B at 1,000 B/s = 1.3 s, 2 messages at 1/s = 2 s. 90 days: 8.5 s vs 6 s. 365: 18.5 s vs 7 s.
        #expect(plan.windows.map(\.estimatedSeconds) == [2, 3, 4, 5, 9, 19])
    }

    @Test func gmailsDailyCapMakesTwoAndAHalfGigabytesTakeADay() {
        let big = (0..<100).map { Self.msg(Double($0) * 0.5 + 0.1, 25_000_000, "t\($0)", matched: $0 % 2 == 0) }
        let plan = BackfillPlan.make(messages: big, asOf: Self.asOf, windows: [90], limits: .gmail)
        #expect(plan.windows[0].bytes == 2_500_000_000)
        #expect(plan.windows[0].estimatedSeconds == 86_400)
    }

    /// Issue 16: the same window timed at each provider's limits, in the text, the JSON and the additions.
    @Test func eachWindowIsTimedAtEveryProvidersLimits() throws {
        let big = (0..<100).map { Self.msg(Double($0) * 0.5 + 0.1, 25_000_000, "t\($0)", matched: $0 % 2 == 0) }
        let plan = BackfillPlan.make(messages: big, asOf: Self.asOf, windows: [30, 90], limits: .outlook)
        // 90 days: 2.5 GB in 100 messages. Gmail: a day (2,500 MB/day). Outlook: 2.5 GB at 1 MB/s = 2,500 s (the
        // 100 messages at 10/s take only 10 s). Generic: 2.5 GB at 2 MB/s = 1,250 s.
        #expect(plan.windows[1].secondsByProvider == [86_400, 2_500, 1_250])
        #expect(plan.windows[1].estimatedSeconds == 2_500)
        let text = plan.text()
        #expect(text.contains("Time at each provider's limits (gmail 2.5 GB/day, outlook 86.4 GB/day, generic 172.8 GB/day):\n"), "\(text)")
        #expect(text.contains("  90 days: gmail 1 d, outlook 42 min, generic 21 min\n"), "\(text)")
        let json = String(decoding: plan.jsonBytes(), as: UTF8.self)
        #expect(json.contains("\"secondsByProvider\":{\"gmail\":86400,\"outlook\":2500,\"generic\":1250}"), "\(json)")
        // The pipeline's throttle lowers its own provider's figure only.
        let throttled = BackfillPlan.make(messages: big, asOf: Self.asOf, windows: [90],
                                          limits: ProviderLimits.gmail.applying(IMAPThrottle(bytesPerDay: 1_250_000_000)))
        #expect(throttled.windows[0].secondsByProvider == [172_800, 2_500, 1_250])
        #expect(plan.additions.first?.secondsByProvider.count == 3)
    }

    @Test func boundariesAreInclusiveAtTheStartAndExclusiveAtTheEnd() {
        let edge = [PlanMessage(date: Self.asOf - 7 * 86_400, bytes: 1, threadId: "a", matched: true),
                    PlanMessage(date: Self.asOf - 7 * 86_400 - 1, bytes: 1, threadId: "b", matched: true),
                    PlanMessage(date: Self.asOf, bytes: 1, threadId: "c", matched: true)]
        let plan = BackfillPlan.make(messages: edge, asOf: Self.asOf, windows: [7, 14], limits: Self.slow)
        #expect(plan.windows.map(\.messages) == [1, 2])
        #expect(plan.afterWindowEnd == 1)
    }

    @Test func aHandoffSuggestsTheSmallestOfSevenAndFourteenDaysHoldingNinetyPercentOfItsActiveThreads() throws {
        // 8 matched threads within 14 days (7 of them within 7), one at 20 days, one at 70.
        var msgs = (0..<8).map { Self.msg(Double($0) + 0.5, 100, "m\($0)", matched: true) }
        msgs.append(Self.msg(20, 100, "m8", matched: true))
        msgs.append(Self.msg(70, 100, "m9", matched: true))
        msgs.append(Self.msg(2, 100, "u0", matched: false))
        let s = try #require(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow).suggestion)
        #expect(s.purpose == .handoff)
        #expect(s.days == 14)
        #expect(s.referenceDays == 14)
        #expect(s.referenceMatchedThreads == 8)
        #expect(s.targetMatchedThreads == 8)
        #expect(s.rule == "for a handoff (7–14 days), the smallest window holding at least 90% of the threads with contacts active in the last 14 days (8 of 8)")

        msgs[7] = Self.msg(6.9, 100, "m7", matched: true)
        #expect(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow).suggestion?.days == 7)
        // Other purposes choose within their own ranges: 30–60 days (9 of 9 active in 60 days by 30), 90–365.
        let sales = try #require(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow, purpose: .sales).suggestion)
        #expect(sales.days == 30 && sales.referenceDays == 60 && sales.referenceMatchedThreads == 9)
        #expect(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow, purpose: .support).suggestion?.days == 30)
        let history = try #require(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow, purpose: .history).suggestion)
        #expect(history.days == 90 && history.referenceDays == 365)
    }

    @Test func eachLargerWindowShowsWhatItAddsThreadsWithContactsNoiseAndCost() throws {
        let msgs = [PlanMessage(date: Self.asOf - 86_400, bytes: 100, threadId: "a", matched: true),
                    PlanMessage(date: Self.asOf - 20 * 86_400, bytes: 300, threadId: "b", matched: true),
                    PlanMessage(date: Self.asOf - 25 * 86_400, bytes: 50, threadId: "n", matched: false, bulk: true),
                    PlanMessage(date: Self.asOf - 40 * 86_400, bytes: 70, threadId: "u", matched: false, unmatched: true)]
        let plan = BackfillPlan.make(messages: msgs, asOf: Self.asOf, windows: [7, 14, 30, 60], limits: Self.slow)
        #expect(plan.suggestion?.days == 7)
        #expect(plan.additions.map(\.days) == [14, 30, 60])
        let a30 = try #require(plan.additions.first { $0.days == 30 })
        #expect(a30.matchedThreads == 1 && a30.unmatchedThreads == 0 && a30.bulkMessages == 1 && a30.messages == 2 && a30.bytes == 350)
        let a60 = try #require(plan.additions.last)
        #expect(a60.unmatchedThreads == 1 && a60.messages == 3 && a60.estimatedSeconds == 3)
        #expect(plan.text().contains("  60 days: +1 threads with contacts; noise +1 unmatched threads, +1 bulk messages; +3 messages, +420 B, +3 s at test limits"))
    }

    @Test func afterALoadThePlanSaysWhichCleanupIsStillPending() {
        let u = UnmatchedAddress(address: "laura@contoso.example", name: nil, messages: 19, threads: 1, sentTo: 3,
                                 lastSeen: nil, bulkOnly: false)
        var plan = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow)
        #expect(!plan.text().contains("Before a larger window"))
        plan.cleanup = PlanCleanup(pipeline: "my pipeline.yml", lastLoad: "2026-11-20T10:00:00Z", cleanedSinceLoad: false,
                                   duplicateGroups: 2, unmatched: [u])
        let text = plan.text()
        #expect(text.contains("Before a larger window: the store has a load (2026-11-20T10:00:00Z); review and clean up first:"))
        #expect(text.contains("  - no relink or contacts change since that load: check it with `mailroom review 'my pipeline.yml'`"))
        #expect(text.contains("  - 2 duplicate contact groups in the store"))
        #expect(text.contains("  - 1 unmatched address with 5 or more messages: laura@contoso.example (19)"))
        plan.cleanup = PlanCleanup(pipeline: "p.yml", lastLoad: "2026-11-20T10:00:00Z", cleanedSinceLoad: true,
                                   duplicateGroups: 0, unmatched: [])
        #expect(plan.cleanup?.pending == false)
        #expect(plan.text().contains("Cleanup: done since the last load"))
        #expect(!plan.text().contains("Still in the store"))
        // Groups left after a cleanup (two people sharing an address) are named, but do not keep it pending.
        plan.cleanup = PlanCleanup(pipeline: "p.yml", lastLoad: "2026-11-20T10:00:00Z", cleanedSinceLoad: true,
                                   duplicateGroups: 1, unmatched: [u])
        #expect(plan.cleanup?.pending == false)
        #expect(!plan.text().contains("Before a larger window"))
        #expect(plan.text().contains("  Still in the store, if not meant: 1 duplicate contact group, 1 unmatched address with 5 or more messages (`mailroom review p.yml` lists them)."))
    }

    @Test func aThreadCountsAsMatchedOnlyFromItsFirstMatchedMessageInTheWindow() {
        let msgs = [Self.msg(2, 10, "t", matched: false), Self.msg(50, 10, "t", matched: true)]
        let plan = BackfillPlan.make(messages: msgs, asOf: Self.asOf, windows: [7, 60], limits: Self.slow)
        #expect(plan.windows.map(\.threads) == [1, 1])
        #expect(plan.windows.map(\.matchedThreads) == [0, 1])
    }

    @Test func withoutMatchedThreadsTheSmallestWindowIsSuggested() throws {
        let msgs = [Self.msg(3, 10, "a", matched: false), Self.msg(40, 10, "b", matched: false)]
        let s = try #require(BackfillPlan.make(messages: msgs, asOf: Self.asOf, limits: Self.slow).suggestion)
        #expect(s.days == 7)
        #expect(s.rule.contains("no thread of the last 14 days has a contact in it"))
    }

    @Test func withoutAPlannedWindowInThePurposesRangeTheNextLongerOneIsSuggested() throws {
        let msgs = (0..<10).map { Self.msg(Double($0 * 5) + 1, 10, "t\($0)", matched: true) }
        let s = try #require(BackfillPlan.make(messages: msgs, asOf: Self.asOf, windows: [30, 90, 30], limits: Self.slow).suggestion)
        #expect(s.referenceDays == 30)
        #expect(s.referenceMatchedThreads == 6)
        #expect(s.days == 30)
        #expect(BackfillPlan.make(messages: msgs, asOf: Self.asOf, windows: [3, 5], limits: Self.slow).suggestion?.days == 5)
    }

    @Test func windowsReachingAYearBackAreWarnedAbout() {
        let plan = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow)
        #expect(plan.windows.filter(\.reachesYearsBack).map(\.days) == [365])
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings[0].hasPrefix("The 365-day window reaches a year back: 7 messages, 18.5 kB"))
        let short = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, windows: [7, 30, 90], limits: Self.slow)
        #expect(short.warnings.isEmpty)
        let twoYears = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, windows: [730], limits: Self.slow)
        #expect(twoYears.warnings.first?.hasPrefix("The 730-day window reaches years back") == true)
    }

    @Test func aSuggestedWindowLongerThanADayToFetchIsWarnedAbout() {
        let msgs = (0..<3).map { Self.msg(Double($0) + 1, 1_000_000_000, "t\($0)", matched: true) }
        let plan = BackfillPlan.make(messages: msgs, asOf: Self.asOf, windows: [7, 14], limits: .gmail)
        #expect(plan.suggestion?.days == 7)
        #expect(plan.warnings == ["Even the suggested 7-day window takes more than a day at gmail limits: plan the backfill over several days."])
    }

    @Test func textShowsTheTableTheSuggestionAndItsRule() {
        let text = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow).text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("Backfill plan: windows ending 2026-11-26 (UTC), at test limits"))
        #expect(lines[2] == "  window    messages     size  threads  with contacts  time at limits")
        #expect(lines[3] == "  7 days           2   1.3 kB        2              1  2 s")
        #expect(lines[4] == "  14 days          3   1.8 kB        3              2  3 s  <- suggested")
        #expect(lines[7] == "  90 days          6   8.5 kB        4              3  9 s")
        #expect(lines[8] == "  365 days         7  18.5 kB        5              4  19 s  (reaches back a year)")
        #expect(text.contains("Suggested window: 14 days, for a handoff (7–14 days), the smallest window holding at least 90% of the threads with contacts active in the last 14 days (2 of 2)."))
        #expect(text.contains("Warning: The 365-day window"))
        #expect(text.contains("1 message has no date and is in no window's figures"))
        #expect(text.contains("Figures: test figures."))
    }

    @Test func jsonCarriesTheSchemaVersionAndEveryFigure() throws {
        let plan = BackfillPlan.make(messages: Self.sample, asOf: Self.asOf, limits: Self.slow)
        let json = try JSONParser.parse(plan.jsonBytes())
        guard case .object(let o) = json else { Issue.record("not an object"); return }
        #expect(o["schemaVersion"] == .string("mailroom.plan/1"))
        #expect(o["lastDay"] == .string("2026-11-26"))
        #expect(o["undated"] == .int(1))
        guard case .array(let windows)? = o["windows"], case .object(let w90) = windows[4] else { Issue.record("no windows"); return }
        #expect(w90["days"] == .int(90))
        #expect(w90["bytes"] == .int(8_500))
        #expect(w90["matchedThreads"] == .int(3))
        #expect(w90["estimatedSeconds"] == .int(9))
        guard case .object(let s)? = o["suggestion"] else { Issue.record("no suggestion"); return }
        #expect(s["days"] == .int(14))
        #expect(s["targetMatchedThreads"] == .int(2))
        #expect(o["purpose"] == .string("handoff"))
        let text = String(decoding: plan.jsonBytes(), as: UTF8.self)
        #expect(text.hasPrefix("{\"schemaVersion\":\"mailroom.plan/1\",\"asOf\":1795737600,\"lastDay\":\"2026-11-26\",\"limits\":{\"name\":\"test\""))
    }

    @Test func presetsAreFoundByName() {
        #expect(ProviderLimits.named("Gmail") == .gmail)
        #expect(ProviderLimits.named("outlook")?.connections == 20)
        #expect(ProviderLimits.named("yahoo") == nil)
        #expect(ProviderLimits.gmail.bytesPerDay == 2_500_000_000)
        #expect(ProviderLimits.gmail.connections == 15)
    }
}
