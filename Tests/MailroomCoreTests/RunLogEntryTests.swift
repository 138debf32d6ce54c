import Testing
import MailroomCore

/// Run-log entries: the text and JSON of `mailroom runs`, the JSON columns the store keeps them in, and the
/// one-line message of a failed run.
struct RunLogEntryTests {
    static let failed = RunLogEntry(
        id: "r1", kind: .sync, windowStart: "2026-11-01T00:00:00Z", windowEnd: "2026-11-08T00:00:00Z",
        mailboxes: ["sales", "support"], startedAt: "2026-11-08T09:00:00Z", finishedAt: "2026-11-08T09:01:00Z",
        status: .failed, counts: ["extract.extracted": 12, "a": 1], message: "failed at login",
        cursorBefore: [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 7, highestUID: 10)],
        cursorAfter: [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 7, highestUID: 12)],
        throttled: 2, errorCode: "auth")

    @Test func theTextIsTwoLinesPerRunAndTheCursorsWhenTheyMoved() {
        #expect(RunLogEntry.text([Self.failed]) == """
            2026-11-08T09:00:00Z  sync  failed (auth)  sales, support  window 2026-11-01..2026-11-08  throttled 2x  [r1]
                failed at login
                cursors: INBOX 7/10 -> INBOX 7/12

            """)
        var same = Self.failed
        same.cursorAfter = same.cursorBefore
        #expect(!RunLogEntry.text([same]).contains("cursors:"))
    }

    @Test func theJSONHasTheSchemaSortedCountsAndNullForMissingCursors() throws {
        var r = Self.failed
        r.cursorAfter = nil
        let bytes = RunLogEntry.json([r])
        #expect(bytes.last == 0x0A)
        let o = try #require(try JSONParser.parse(bytes).objectValue)
        #expect(o["schema"] == .string(RunLogEntry.jsonSchema))
        let run = try #require(o["runs"]?.arrayValue?.first?.objectValue)
        #expect(run["cursorAfter"] == .null)
        #expect(run["counts"] == .object(["a": .int(1), "extract.extracted": .int(12)]))
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"counts\":{\"a\":1,\"extract.extracted\":12}"))
    }

    @Test func theStoresJSONColumnsReadBackWhatWasWritten() {
        #expect(RunLogEntry.parseCounts(RunLogEntry.countsJSON(Self.failed.counts)) == Self.failed.counts)
        #expect(RunLogEntry.parseCursors(RunLogEntry.cursorsJSON(Self.failed.cursorBefore)) == Self.failed.cursorBefore)
        #expect(RunLogEntry.cursorsJSON(nil) == nil)
        #expect(RunLogEntry.parseCursors("not json") == nil)
        #expect(RunLogEntry.parseStrings("[\"sales\",1,\"support\"]") == ["sales", "support"])
    }

    @Test func aFailedRunsMessageNamesTheStepAndWhatToCheck() {
        let m = RunLogText.failure(MailroomError(.auth, "the server at h:993 rejected the login; check the username and the app password", location: "h:993"))
        #expect(m.hasPrefix("failed at login (username, app password): h:993: the server"))
        #expect(m.contains("mailroom mailbox test"))
    }
}
