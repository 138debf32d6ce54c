import Testing
import MailroomCore

/// The backfill advice after a reconnect's sync: only the gap before the sync's window.
struct BackfillAdviceTests {
    @Test(arguments: [
        // newest loaded before, sync window start, oldest fetched → (gap days, as-of, days) or nil
        ("2026-10-20T17:00:00Z", "2026-11-07T00:00:00Z", "2026-11-09T13:00:00Z", (20, "2026-11-06", 18)),
        ("2026-11-06T23:00:00Z", "2026-11-07T00:00:00Z", nil, (1, "2026-11-06", 1)),
        ("2026-11-08T10:00:00Z", "2026-11-07T00:00:00Z", "2026-11-07T01:00:00Z", nil),
    ] as [(String, String, String?, (Int, String, Int)?)])
    func theAdviceCoversExactlyTheGapBeforeTheSyncsWindow(before: String, start: String, oldest: String?,
                                                         expected: (Int, String, Int)?) {
        let a = BackfillAdvice.compute(newestLoadedBefore: before, syncWindowStart: start, oldestFetched: oldest)
        #expect(a?.gapDays == expected?.0)
        #expect(a?.asOf == expected?.1)
        #expect(a?.days == expected?.2)
    }

    @Test func nothingLoadedBeforeNeedsNoBackfill() {
        #expect(BackfillAdvice.compute(newestLoadedBefore: nil, syncWindowStart: "2026-11-07T00:00:00Z", oldestFetched: nil) == nil)
    }

    @Test func theReconnectReportNamesTheExactBackfillCommandForTheGap() throws {
        var r = ReconnectReport(mailbox: "sales", wasState: .disconnected, runDirectory: "runs/x",
                                newestLoadedBefore: "2026-10-20T17:00:00Z")
        r.pipelinePath = "crm.yaml"
        r.windowStart = "2026-11-07T00:00:00Z"
        r.advice = BackfillAdvice.compute(newestLoadedBefore: r.newestLoadedBefore, syncWindowStart: r.windowStart,
                                          oldestFetched: "2026-11-09T13:00:00Z")
        #expect(r.backfillCommand == "mailroom backfill crm.yaml --mailbox sales --as-of 2026-11-06 --days 18")
        #expect(r.text().contains("Backfill needed: 20 days may be missing, from 2026-10-20T17:00:00Z"))
        let o = try #require(try JSONParser.parse(r.json()).objectValue)
        #expect(o["backfillNeeded"] == .bool(true))
        #expect(o["backfill"]?.objectValue?["days"]?.intValue == 18)
    }
}
