import Foundation
import GRDB
import Testing
@testable import MailroomIO
import MailroomCore

/// The run log's `interrupted` status: schema 5 accepts it (schema 4's CHECK refused it) and keeps every run of
/// an older store; the recorder marks a load's `running` row, or adds one for a run stopped before loading.
@Suite struct RunLogInterruptedTests {
    static let insertRun = """
        INSERT INTO runs(id, kind, window_start, window_end, mailboxes, started_at, finished_at, status, counts,
                         message, cursor_before, cursor_after, throttled, error_code)
        VALUES ('s1', 'sync', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '["dana"]', '2026-02-01T10:00:00Z',
                NULL, 'running', '{"messages":3}', 'loading',
                '[{"folder":"INBOX","uidValidity":7,"highestUID":9}]', NULL, 2, 'network')
        """

    @Test func aVersionFourStoreKeepsItsRunsAndThenAcceptsInterrupted() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        do {
            let q = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(q, upTo: "v4-subject-joins")
            try q.write { db in try db.execute(sql: Self.insertRun) }
            // What made the migration necessary: schema 4 refuses the status.
            #expect(throws: DatabaseError.self) {
                try q.write { db in try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE id = 's1'") }
            }
        }
        let store = try CRMStore.open(path: path)
        var row = try #require(try store.run(id: "s1"))
        #expect(row.kind == .sync && row.status == .running && row.throttled == 2 && row.errorCode == "network")
        #expect(row.counts == ["messages": 3])
        #expect(row.cursorBefore == [RunLogEntry.Cursor(folder: "INBOX", uidValidity: 7, highestUID: 9)])
        #expect(row.windowStart == "2026-01-01T00:00:00Z" && row.mailboxes == ["dana"])
        row.status = .interrupted
        try store.recordRun(row)
        #expect(try store.run(id: "s1")?.status == .interrupted)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL") == ["runs_started"])
        }
    }
}
