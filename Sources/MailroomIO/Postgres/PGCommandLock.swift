import Foundation
import MailroomCore

/// The lock a command that rewrites loaded rows across mailboxes (`contacts merge`, `relink`, …) holds on a
/// PostgreSQL store, as SQLite's commands hold the store's lock file: session advisory locks (dropped by the server
/// when the connection dies), taken without waiting, released when the command ends.
///
/// It takes the load lock (`PGLoadLock`) of every mailbox the store knows (`mailboxes`) and the pipeline names,
/// exclusively: while a load holds any of them the command is refused (`.locked`, exit 6, naming the holder), and a
/// load starting while the command runs is refused the same way. A load of a mailbox neither the store nor the
/// pipeline names is not excluded (it links only its own messages). Two such commands exclude each other through
/// `storeKey`.
enum PGCommandLock {
    static let storeKey = "mailroom-store-command"

    static func acquire(_ c: PGConnection, runId: String, mailboxes: [String]) throws -> PGLoadLock.Held {
        if let holder = try PGLoadLock.take(c, key: storeKey, shared: false) {
            throw MailroomError(.locked, "the store is being changed by another command (\(holder)); wait for it to finish",
                                location: c.target.location)
        }
        do {
            let known = try c.execute("SELECT name FROM mailboxes").rows.compactMap { $0.first ?? nil }
            return try PGLoadLock.acquire(c, runId: runId, mailboxes: Array(Set(known + mailboxes)), shard: nil)
        } catch {
            _ = try? c.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [storeKey])
            throw error
        }
    }

    static func release(_ c: PGConnection, _ held: PGLoadLock.Held) {
        PGLoadLock.release(c, held)
        _ = try? c.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [storeKey])
    }
}
