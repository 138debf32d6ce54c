import Testing
import MailroomCore

/// Which cursor a folder read may store: never past mail that was neither loaded nor deliberately left out.
struct IMAPCursorDecisionTests {
    /// The case: cursor at 100 from a sync 30 days ago; `backfill --days 7` loads 151...200 only.
    @Test func aBackfillWhoseWindowDoesNotReachThePreviousCursorKeepsIt() {
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 100, serverHighest: 200, above: Array(101...200),
                                                         loaded: Set(151...200)))
        #expect(d.highestUID == 100)
        #expect(d.outcome == .keptBelowGap(first: 101, count: 50))
        let note = d.note(folder: "INBOX", serverHighest: 200, retries: 5)
        #expect(note == "folder \"INBOX\": cursor kept at UID 100, not moved to 200: 50 messages above it (from UID 101) are older than the window and were not fetched; the next `mailroom sync` fetches them")
    }

    @Test func aGapHigherUpStopsTheCursorBelowIt() {
        // 101...120 in the window, 121...130 older (moved into the folder), 131...200 in the window.
        let loaded = Set<UInt64>(101...120).union(131...200)
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 100, serverHighest: 200, above: Array(101...200),
                                                         loaded: loaded))
        #expect(d.highestUID == 120)
        #expect(d.outcome == .keptBelowGap(first: 121, count: 10))
    }

    @Test func aWindowThatReachesBackToThePreviousCursorAdvancesIt() {
        // UIDs 103 and 107 were expunged: `above` has only what the server holds.
        let above: [UInt64] = [101, 102, 104, 105, 106, 108]
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 100, serverHighest: 110, above: above, loaded: Set(above)))
        #expect(d.highestUID == 110)
        #expect(d.outcome == .advanced)
        #expect(d.note(folder: "INBOX", serverHighest: 110, retries: 5) == nil)
    }

    @Test func aFirstReadOfAWindowTakesTheNewestUID() {
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: nil, serverHighest: 40, loaded: [38, 39, 40]))
        #expect(d.highestUID == 40)
        #expect(d.outcome == .advanced)
    }

    @Test func mailNewerThanTheWindowStaysAboveTheCursorWithoutBeingAGap() {
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 10, serverHighest: 20, above: Array(11...20),
                                                         loaded: Set(11...15), firstTooNew: 16))
        #expect(d.highestUID == 15)
        #expect(d.outcome == .belowNewer(first: 16))
    }

    @Test func undeliveredUIDsHoldTheCursorBelowTheFirst() {
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 2, serverHighest: 9, above: Array(3...9),
                                                         loaded: [3, 4, 6, 8, 9], missing: [7, 5]))
        #expect(d.highestUID == 4)
        #expect(d.missing == [5, 7])
        #expect(d.note(folder: "Sent", serverHighest: 9, retries: 3)
                == "folder \"Sent\": the server did not deliver UIDs 5, 7 after 3 retries; cursor kept at UID 4 so the next run fetches them")
        let first = IMAPCursorDecision.decide(IMAPFolderRead(previous: nil, serverHighest: 9, loaded: [2, 3], missing: [1]))
        #expect(first.highestUID == 0)
    }

    @Test func theCursorNeverMovesBackBelowThePreviousOne() {
        // A backfill reaching below the cursor, whose server left out UID 50 (below the cursor): the cursor stays.
        let d = IMAPCursorDecision.decide(IMAPFolderRead(previous: 100, serverHighest: 120, above: Array(101...120),
                                                         loaded: Set(40...120).subtracting([50]), missing: [50]))
        #expect(d.highestUID == 100)
        #expect(d.missing == [50])
        // A sync starts above the cursor: the note does not promise that the next run (a sync) fetches UID 50.
        #expect(d.note(folder: "INBOX", serverHighest: 120, retries: 3)
                == "folder \"INBOX\": the server did not deliver UID 50 after 3 retries; the cursor stays at UID 100 from an earlier run, above UID 50, so `mailroom sync` does not fetch it: run this command again")
    }

    @Test func aLongListOfUIDsIsShortened() {
        #expect(IMAPCursorDecision.list(Array(1...22)) == (1...20).map(String.init).joined(separator: ", ") + " and 2 more")
    }

    @Test func theReportListsTheUndeliveredUIDsPerFolderAndSaysNothingWhenThereAreNone() {
        var r = DryRunReport(run: .init(runId: "r1", pipeline: "p", asOf: "2026-01-12", days: 3,
                                        windowStart: "2026-01-10T00:00:00Z", windowEnd: "2026-01-13T00:00:00Z"))
        let plain = (r.text(), String(decoding: r.jsonBytes(), as: UTF8.self), r.html())
        #expect(!plain.0.contains("IMAP folders") && !plain.1.contains("imapFolders") && !plain.2.contains("imap-folders"))
        r.imapFolders = [IMAPFolderNote(mailbox: "work", folder: "INBOX", missingUIDs: [3, 9], note: "folder \"INBOX\": cursor <kept>")]
        #expect(r.text().contains("work/INBOX: not delivered by the server: UIDs 3, 9\n    folder \"INBOX\": cursor <kept>"))
        #expect(String(decoding: r.jsonBytes(), as: UTF8.self).contains(
            "\"imapFolders\":[{\"mailbox\":\"work\",\"folder\":\"INBOX\",\"missingUIDs\":[3,9],\"note\":\"folder \\\"INBOX\\\": cursor <kept>\"}]"))
        #expect(r.html().contains(">3, 9</td><td class=\"wrap-any\">folder &quot;INBOX&quot;: cursor &lt;kept&gt;</td>"))
    }
}

/// The stored cursor's part of the rule: a read continues from it only under the same UIDVALIDITY, and a stored
/// cursor never moves back.
struct IMAPStoredCursorTests {
    @Test func aReadContinuesFromTheStoredCursorOnlyUnderTheSameUIDValidity() {
        #expect(IMAPCursorDecision.previous(stored: (uidValidity: UInt64(7), highestUID: UInt64(42)), uidValidity: 7) == 42)
        #expect(IMAPCursorDecision.previous(stored: (uidValidity: UInt64(7), highestUID: UInt64(42)), uidValidity: 8) == nil)
        #expect(IMAPCursorDecision.previous(stored: nil as (uidValidity: UInt64, highestUID: UInt64)?, uidValidity: 7) == nil)
    }

    @Test func aStoredCursorNeverMovesBackButARenumberedFolderStartsOver() {
        // A backfill of an older window proposes 30 under the cursor's UIDVALIDITY: the stored 42 stays.
        #expect(IMAPCursorDecision.kept(30, uidValidity: 7, stored: (uidValidity: 7, highestUID: 42)) == 42)
        #expect(IMAPCursorDecision.kept(50, uidValidity: 7, stored: (uidValidity: 7, highestUID: 42)) == 50)
        // Renumbered: the old cursor's UIDs mean nothing now.
        #expect(IMAPCursorDecision.kept(5, uidValidity: 8, stored: (uidValidity: 7, highestUID: 42)) == 5)
        #expect(IMAPCursorDecision.kept(5, uidValidity: 8, stored: nil) == 5)
    }
}
