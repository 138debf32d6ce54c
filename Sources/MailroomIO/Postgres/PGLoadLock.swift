import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// The locks of a load into PostgreSQL: session advisory locks, so the server drops them when a worker's
/// connection dies (a `kill -9`, a lost network), and they are re-entrant within one session (the run takes them
/// before its first stage; the load, on the same connection, takes them again).
///
/// - One exclusive lock per mailbox the load writes: workers of different mailboxes load at once, a second worker
///   of the same mailbox is refused at once (`.locked`, exit 6), naming the holder.
/// - A shard (`--shard I/N`) takes the mailbox's lock shared and an exclusive lock on `mailbox + I/N`: the shards of
///   a mailbox load at once; a whole-mailbox worker and a shard of the same mailbox exclude each other.
/// - The run's own lock (`runKey`): a `running` row of the run log whose run lock nobody holds was left by a
///   worker that died, and is marked failed by the next load (`PGStoreLoader.begin`).
///
/// Keys are the server's 64-bit `hashtextextended(text, 0)` of a text naming the lock (the same for every
/// client). The holder is found in `pg_locks` and named from `pg_stat_activity`: each worker sets its session's
/// `application_name` to `mailroom <run id> <host>:<pid>` (63 bytes at most), and its connection time.
public enum PGLoadLock {
    struct Lock: Equatable {
        var key: String
        var shared: Bool
        /// For messages: `mailbox 'sales'`, `mailbox 'big' shard 2/8`.
        var what: String
    }

    static func mailboxKey(_ mailbox: String) -> String { "mailroom-load-mailbox\u{1}" + mailbox }
    static func shardKey(_ mailbox: String, _ shard: MailboxShard) -> String {
        "mailroom-load-mailbox\u{1}\(mailbox)\u{1}\(shard)"
    }
    static func runKey(_ runId: String) -> String { "mailroom-run\u{1}" + runId }

    /// The locks a load of `mailboxes` (and `shard`) takes, in a fixed order (by key) so that two workers never
    /// wait on each other in opposite orders.
    static func locks(mailboxes: [String], shard: MailboxShard?) -> [Lock] {
        var out: [Lock] = []
        for m in Set(mailboxes).sorted() {
            if let shard {
                out.append(Lock(key: mailboxKey(m), shared: true, what: "mailbox '\(m)'"))
                out.append(Lock(key: shardKey(m, shard), shared: false, what: "mailbox '\(m)' shard \(shard)"))
            } else {
                out.append(Lock(key: mailboxKey(m), shared: false, what: "mailbox '\(m)'"))
            }
        }
        return out
    }

    /// What `acquire` took, for `release`.
    public struct Held {
        let locks: [Lock]
        let runKey: String
    }

    /// Names the session (`application_name`) and takes the run's lock and every mailbox (or shard) lock without
    /// waiting. When one is held by another session, releases what it took and throws `.locked` naming the holder.
    public static func acquire(_ c: PGConnection, runId: String, mailboxes: [String], shard: MailboxShard?) throws -> Held {
        try c.execute("SELECT set_config('application_name', $1, false)", [applicationName(runId: runId)])
        let wanted = locks(mailboxes: mailboxes, shard: shard)
        var taken: [Lock] = []
        for lock in wanted {
            if let holder = try take(c, key: lock.key, shared: lock.shared) {
                release(c, taken)
                throw MailroomError(.locked, "\(lock.what) is being loaded by another worker (\(holder)): one worker per "
                                    + "mailbox at a time; wait for it to finish, or stop it", location: c.target.location)
            }
            taken.append(lock)
        }
        // The run's own lock; another session holding it is a second process loading the same run directory.
        if let holder = try take(c, key: runKey(runId), shared: false) {
            release(c, taken)
            throw MailroomError(.locked, "run \(runId) is being loaded by another process (\(holder))", location: c.target.location)
        }
        return Held(locks: taken, runKey: runKey(runId))
    }

    /// Releases what `acquire` took (once: a lock the session took twice stays held once).
    public static func release(_ c: PGConnection, _ held: Held) {
        release(c, held.locks)
        _ = try? c.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [held.runKey])
    }

    private static func release(_ c: PGConnection, _ locks: [Lock]) {
        for lock in locks.reversed() {
            let fn = lock.shared ? "pg_advisory_unlock_shared" : "pg_advisory_unlock"
            _ = try? c.execute("SELECT \(fn)(hashtextextended($1, 0))", [lock.key])
        }
    }

    /// `pg_locks` row of an advisory lock taken with one bigint key, in this database, matching `$1`'s key.
    static let heldBy = """
        l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint)
        """

    /// Takes the advisory lock `key` without waiting: nil when taken, else who holds it. A holder whose session
    /// has just ended (its lock is still in `pg_locks`, its session no longer in `pg_stat_activity`: the server
    /// drops the locks as the backend exits) is waited for, up to `endedSessionWait` seconds, so a task started
    /// the moment the last one of the same mailbox exited is not refused.
    static func take(_ c: PGConnection, key: String, shared: Bool) throws -> String? {
        let fn = shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock"
        let tries = Int(endedSessionWait / endedSessionPoll)
        for attempt in 0...tries {
            if try c.execute("SELECT \(fn)(hashtextextended($1, 0))", [key]).scalar == "t" { return nil }
            let live: String?
            do { live = try holder(c, key: key) } catch { return "another session" }
            if let live { return live }
            if attempt < tries { usleep(useconds_t(endedSessionPoll * 1_000_000)) }
        }
        return "a session that has just ended: try again"
    }

    static let endedSessionWait = 2.0
    static let endedSessionPoll = 0.05

    /// `mailroom run R on H pid P, PostgreSQL session S since T` for the session that holds `key`; nil when no
    /// live session holds it (its session has just ended).
    static func holder(_ c: PGConnection, key: String) throws -> String? {
        guard let r = try c.execute("""
            SELECT a.pid, a.application_name,
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE \(heldBy) = hashtextextended($1, 0) AND l.pid <> pg_backend_pid()
            ORDER BY a.backend_start NULLS LAST, a.pid LIMIT 1
            """, [key]).rows.first else { return nil }
        let pid = r[0] ?? "?"
        let since = r[2].map { " since \($0)" } ?? ""
        let app = (r[1] ?? "").split(separator: " ")
        if app.count == 3, app[0] == "mailroom", let colon = app[2].lastIndex(of: ":") {
            let host = app[2][..<colon], worker = app[2][app[2].index(after: colon)...]
            return "mailroom run \(app[1]) on host \(host) pid \(worker), PostgreSQL session \(pid)\(since)"
        }
        let name = r[1].map { $0.isEmpty ? "" : " '\($0)'" } ?? ""
        return "PostgreSQL session \(pid)\(name)\(since)"
    }

    /// `mailroom <run id> <host>:<pid>`, cut to the 63 bytes PostgreSQL keeps (the host first shortened), ASCII
    /// only (the server would turn other bytes into `?`).
    static func applicationName(runId: String) -> String {
        func ascii(_ s: String) -> String {
            String(s.unicodeScalars.map { $0.isASCII && $0.value > 32 && $0 != ":" ? Character($0) : "_" })
        }
        let pid = ":\(getpid())"
        var host = ascii(hostName())
        let fixed = "mailroom ".count + ascii(runId).count + 1 + pid.count
        if fixed + host.count > 63 { host = String(host.prefix(max(0, 63 - fixed))) }
        return String(("mailroom \(ascii(runId)) \(host)\(pid)").prefix(63))
    }

    static func hostName() -> String {
        var buf = [UInt8](repeating: 0, count: 256)
        guard buf.withUnsafeMutableBufferPointer({ b in
            b.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, 255) }
        }) == 0 else { return "?" }
        let name = String(decoding: buf.prefix { $0 != 0 }, as: UTF8.self)
        return name.isEmpty ? "?" : name
    }
}
