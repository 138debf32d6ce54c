import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CRMStore {
    /// A first load (no messages, copies or participants in the store yet) writes through SQLite's rollback
    /// journal instead of the WAL. The rows it adds go into pages at the end of the file, which the rollback
    /// journal does not copy: each page is written once, where the WAL writes it twice (into the WAL, then into
    /// the file at a checkpoint). Measured at 100k Maildir: `stage load` 4.30 s against 4.86 s (x0.87 wall,
    /// x0.89 CPU, 6 pairs). `synchronous = FULL` meanwhile: a commit syncs its journal and the file, so a
    /// crash, a kill or a power loss loses nothing committed; an interrupted transaction's hot journal is rolled
    /// back by the next open. Returns whether the store switched: not when it has mail, nor when another
    /// connection has it open (SQLite leaves WAL only for its sole connection). `returnToWAL` switches back.
    /// A store with mail that is still in the rollback journal (a first load stopped part way, run again over
    /// the same connection) goes back to WAL here.
    func useRollbackJournalForFirstLoad() -> Bool {
        do {
            return try queue.writeWithoutTransaction { db in
                guard try StoreSchema.holdsNoMail(db) else {
                    _ = try Self.enterWAL(db)
                    return false
                }
                // `FULL` before the switch, so that the store is never in the rollback journal with `NORMAL`'s
                // fewer syncs; back to `NORMAL` in WAL when the switch does not take.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                do {
                    if try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" { return true }
                } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY {
                    // Another connection has the store open: SQLite leaves WAL only for its sole connection.
                }
                _ = try Self.enterWAL(db)
                return false
            }
        } catch {
            return false  // the load goes on in WAL, as any later load does
        }
    }

    /// Back to WAL with `synchronous = NORMAL` after a first load, so readers never wait on the writer again.
    /// A store a first load left in the rollback journal (the process was killed) is switched by its next open.
    func returnToWAL() throws {
        do {
            try queue.writeWithoutTransaction { db in
                guard try Self.enterWAL(db) else {
                    throw MailroomError(.store, "the store could not return to WAL journal mode after its first load",
                                        location: path)
                }
            }
        } catch {
            throw StoreErrors.map(error, path: path, doing: "return the store to WAL journal mode")  // ours as is
        }
    }

    /// A load killed part way through a transaction in the rollback journal (a first load) leaves a hot journal,
    /// which SQLite rolls back at the next open, but only on a connection that can write: a read-only command
    /// (`store dump`, `review`) would fail on it. Before such an open, a connection that may write opens the file
    /// and reads, so SQLite rolls the unfinished transaction back (nothing committed changes). Nothing else is
    /// written, and when the store or its folder cannot be written the read-only open goes on and says so.
    static func rollBackUnfinishedTransaction(path: String) {
        guard FileManager.default.fileExists(atPath: path + "-journal"), access(path, W_OK) == 0 else { return }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        guard let q = try? DatabaseQueue(path: path, configuration: config) else { return }
        _ = try? q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        try? q.close()
    }
}
