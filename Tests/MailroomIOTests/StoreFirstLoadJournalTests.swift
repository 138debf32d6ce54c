import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// A first load writes through SQLite's rollback journal (each new page written once) and leaves the store in WAL;
/// any other load writes through the WAL. The journal mode is read from the store file's header (bytes 18 and 19:
/// 1 for the rollback journal, 2 for WAL) at every batch commit, from outside the loader's connection.
@Suite struct StoreFirstLoadJournalTests {
    typealias F = StoreFixture

    static var input: LoadInput {
        let (ms, ts) = F.many(30)
        return F.input(ms, threads: ts, contacts: F.contacts)
    }

    static let options = LoadOptions(createContacts: .sent, batchSize: 4)

    /// The file format's write and read versions, as SQLite keeps them in the header.
    static func header(_ path: String) throws -> [UInt8] {
        let h = try #require(FileHandle(forReadingAtPath: path))
        defer { try? h.close() }
        return Array(try #require(try h.read(upToCount: 20))[18..<20])
    }

    /// What the header and the `-wal` file say at each commit of a batch.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.withLock { items.append(s) } }
        var all: [String] { lock.withLock { items } }
    }

    static func watching(_ path: String, _ seen: Seen) -> FaultHook {
        FaultHook { point in
            guard point == "load.batch.afterCommit" else { return }
            let h = (try? header(path)) ?? []
            let wal = FileManager.default.fileExists(atPath: path + "-wal")
            seen.add("\(h) wal-file:\(wal)")
        }
    }

    static func journalMode(_ store: CRMStore) throws -> String? {
        try store.read("read") { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
    }

    @Test func aFirstLoadWritesThroughTheRollbackJournalThenLeavesTheStoreInWAL() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        #expect(try Self.header(path) == [2, 2])  // a new store is WAL once opened
        let seen = Seen()
        let s = try F.load(store, Self.input, options: Self.options, fault: Self.watching(path, seen))
        #expect(s.messages == 30)
        #expect(seen.all.count > 5)
        #expect(Set(seen.all) == ["[1, 1] wal-file:false"])
        #expect(try Self.header(path) == [2, 2])
        #expect(try Self.journalMode(store) == "wal")
        #expect(try store.read("read") { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)  // NORMAL
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func contactsImportedFirstStillMakeTheFirstLoadOfMailOne() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        _ = try store.importContacts(F.contacts, runId: "contacts-1")
        let seen = Seen()
        _ = try F.load(store, Self.input, options: Self.options, fault: Self.watching(path, seen))
        #expect(Set(seen.all) == ["[1, 1] wal-file:false"])
        #expect(try Self.journalMode(store) == "wal")
    }

    @Test func aLoadIntoAStoreWithMailWritesThroughTheWAL() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        _ = try F.load(store, Self.input, options: Self.options)
        let (more, ts) = F.many(12)
        let renamed = more.map { d -> DedupedMessage in
            var d = d
            d.key = d.key.replacingOccurrences(of: "mid:n", with: "mid:later-")
            return d
        }
        var threads: [String: String] = [:]
        for (k, t) in ts { threads[k.replacingOccurrences(of: "mid:n", with: "mid:later-")] = "later-" + t }
        let seen = Seen()
        let run2 = LoadRunInfo(runId: "run-2", windowStart: F.run.windowStart, windowEnd: F.run.windowEnd,
                               mailboxes: F.run.mailboxes)
        _ = try F.load(store, F.input(renamed, threads: threads, contacts: F.contacts), run: run2,
                       options: Self.options, fault: Self.watching(path, seen))
        #expect(!seen.all.isEmpty)
        #expect(Set(seen.all) == ["[2, 2] wal-file:true"])
        #expect(try Self.journalMode(store) == "wal")
    }

    @Test func aFirstLoadWhileAnotherConnectionHasTheStoreOpenStaysInWALWithTheSameRows() throws {
        let quiet = StoreTempDir()
        let alone = try F.open(quiet)
        _ = try F.load(alone, Self.input, options: Self.options)
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        let reader = try CRMStore.open(path: path, readOnly: true)
        _ = try reader.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") }
        let seen = Seen()
        _ = try F.load(store, Self.input, options: Self.options, fault: Self.watching(path, seen))
        #expect(Set(seen.all) == ["[2, 2] wal-file:true"])
        #expect(try store.read("read") { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)  // NORMAL
        #expect(try StoreDump.canonical(store) == StoreDump.canonical(alone))
        #expect(try reader.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 30)
    }

    struct DiskGone: Error {}

    @Test func aFirstLoadThatFailsLeavesTheStoreInWALWithTheRunMarkedFailed() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        let seen = Seen()
        let failing = FaultHook { point in
            guard point == "load.batch.afterCommit" else { return }
            seen.add((try? Self.header(path)).map { "\($0)" } ?? "?")
            if seen.all.count == 6 { throw DiskGone() }
        }
        #expect(throws: DiskGone.self) { try F.load(store, Self.input, options: Self.options, fault: failing) }
        #expect(Set(seen.all) == ["[1, 1]"])
        #expect(try Self.header(path) == [2, 2])
        #expect(try Self.journalMode(store) == "wal")
        #expect(try store.read("read") { db in try String.fetchOne(db, sql: "SELECT status FROM runs") } == "failed")
        let s = try F.load(store, Self.input, options: Self.options)
        #expect(s.messages == 30)
        #expect(s.resumedFrom != nil)
    }

    @Test func aFirstLoadStoppedPartWayGoesBackToWALWhenRunAgain() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, options: Self.options,
                       fault: .throwing(at: "load.batch.afterCommit", occurrence: 6))
        }
        // Stopped in the messages phase (batches of 4: contacts 1, threads 3, then messages).
        #expect(try store.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 8)
        #expect(try Self.header(path) == [1, 1])  // as a killed process leaves it
        let seen = Seen()
        let s = try F.load(store, Self.input, options: Self.options, fault: Self.watching(path, seen))
        #expect(s.messages == 30)
        #expect(Set(seen.all) == ["[2, 2] wal-file:true"])
        #expect(try store.integrityCheck() == "ok")
        // A new process's open switches a store a killed first load left in the rollback journal.
        let other = StoreTempDir()
        let second = try F.open(other)
        #expect(throws: SimulatedCrash.self) {
            try F.load(second, Self.input, options: Self.options, fault: .throwing(at: "load.start", occurrence: 1))
        }
        #expect(try Self.header(other.file("crm.sqlite")) == [1, 1])
        let reopened = try F.open(other)
        #expect(try Self.journalMode(reopened) == "wal")
    }
}

/// A reader in another connection during a first load: its read waits for the batch being committed, and the
/// loader's commit waits for the read to end; neither fails with "database is locked".
@Suite struct StoreFirstLoadReaderTests {
    typealias F = StoreFixture
    typealias J = StoreFirstLoadJournalTests

    @Test func aReaderHoldingATransactionAcrossACommitOfAFirstLoadDelaysItWithoutFailingEither() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite")
        let store = try F.open(dir)
        let reads = J.Seen()
        let started = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let hook = FaultHook { point in
            guard point == "load.batch.afterCommit" else { return }
            guard reads.all.isEmpty else { return reads.add("commit") }
            reads.add("hook")
            // Between two batches: another connection opens the store and holds a read transaction across the
            // loader's next commit, which must wait for it.
            Thread.detachNewThread {
                var signalled = false
                do {
                    let reader = try CRMStore.open(path: path, readOnly: true)
                    try reader.queue.inDatabase { db in
                        try db.inTransaction(.deferred) {
                            // The first read takes the shared lock, held until this transaction commits.
                            let c = try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") ?? -1
                            started.signal()
                            signalled = true
                            Thread.sleep(forTimeInterval: 0.4)
                            reads.add("read \(c)")  // still inside: the loader's next commit cannot precede it
                            return .commit
                        }
                    }
                } catch {
                    reads.add("failed: \(error)")
                }
                if !signalled { started.signal() }
                done.signal()
            }
            started.wait()
        }
        let s = try F.load(store, J.input, options: J.options, fault: hook)
        done.wait()
        #expect(s.messages == 30)
        // The contacts' batch was committed when the read began; the next commit came after the read ended.
        #expect(Array(reads.all.prefix(3)) == ["hook", "read 2", "commit"], "\(reads.all)")
        #expect(reads.all.count > 5)
        #expect(try J.journalMode(store) == "wal")
        #expect(try store.integrityCheck() == "ok")
    }
}

/// What a load killed part way through a first load's transaction leaves: the store file with some of the
/// transaction's pages written and a hot rollback journal holding what they were. Made here by copying both files
/// while a transaction that has spilled pages is open, as a kill at that moment would leave them.
@Suite struct StoreHotJournalTests {
    typealias F = StoreFixture

    static let journalMagic: [UInt8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]

    /// A loaded store and, in `killed`, the same store as a kill in the middle of a transaction leaves it.
    static func killedMidTransaction(_ loaded: StoreTempDir, _ killed: StoreTempDir) throws {
        let path = loaded.file("crm.sqlite")
        do {
            let store = try F.open(loaded)
            _ = try F.load(store, StoreFirstLoadJournalTests.input, options: StoreFirstLoadJournalTests.options)
        }
        let raw = try DatabaseQueue(path: path)
        try raw.writeWithoutTransaction { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete")
            try db.execute(sql: "PRAGMA cache_size = 1")
            try db.beginTransaction(.immediate)
            try db.execute(sql: "DELETE FROM participants; DELETE FROM message_copies; DELETE FROM messages")
            for name in ["crm.sqlite", "crm.sqlite-journal"] {
                try FileManager.default.copyItem(atPath: loaded.file(name), toPath: killed.file(name))
            }
            try db.rollback()
        }
        try raw.close()
        let journal = try Data(contentsOf: URL(fileURLWithPath: killed.file("crm.sqlite-journal")))
        #expect(Array(journal.prefix(8)) == journalMagic)  // hot: the store file holds uncommitted pages
    }

    @Test func aReadOnlyOpenAfterALoadKilledMidTransactionReadsTheCommittedRows() throws {
        let loaded = StoreTempDir()
        let killed = StoreTempDir()
        try Self.killedMidTransaction(loaded, killed)
        let committed = try StoreDump.canonical(try CRMStore.open(path: loaded.file("crm.sqlite"), readOnly: true))
        let reader = try CRMStore.open(path: killed.file("crm.sqlite"), readOnly: true)
        #expect(try StoreDump.canonical(reader) == committed)
        #expect(try reader.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 30)
        #expect(!FileManager.default.fileExists(atPath: killed.file("crm.sqlite-journal")))
        #expect(try reader.integrityCheck() == "ok")
    }

    /// A `-journal` beside a store that no load left hot: empty (as `journal_mode = TRUNCATE` leaves one), or
    /// not a journal at all (a file copied or restored beside the store). A read-only open reads the committed
    /// rows, whether the store is in WAL or was left in the rollback journal by a killed first load.
    @Test(arguments: [("empty", [UInt8]()), ("not a journal", Array("a backup tool's note, not SQLite's\n".utf8))])
    func aStrayJournalBesideTheStoreLeavesAReadOnlyOpenReadingTheCommittedRows(kind: String, bytes: [UInt8]) throws {
        for rollbackMode in [false, true] {
            let dir = StoreTempDir()
            let path = dir.file("crm.sqlite")
            do {
                let store = try F.open(dir)
                _ = try F.load(store, StoreFirstLoadJournalTests.input, options: StoreFirstLoadJournalTests.options)
            }
            if rollbackMode {
                let raw = try DatabaseQueue(path: path)
                _ = try raw.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
                try raw.close()
            }
            #expect(try StoreFirstLoadJournalTests.header(path) == (rollbackMode ? [1, 1] : [2, 2]))
            let committed = try StoreDump.canonical(try CRMStore.open(path: path, readOnly: true))
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            try Data(bytes).write(to: URL(fileURLWithPath: path + "-journal"))
            let reader = try CRMStore.open(path: path, readOnly: true)
            #expect(try StoreDump.canonical(reader) == committed, "\(kind), rollback mode \(rollbackMode)")
            #expect(try reader.read("read") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 30)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(kind): the store file is unchanged")
        }
    }

    @Test func theErrorOfAReadOnlyOpenThatCannotRollBackSaysWhatToDo() throws {
        let e = DatabaseError(resultCode: ResultCode(rawValue: 776), message: "attempt to write a readonly database")
        #expect(e.extendedResultCode == .SQLITE_READONLY_ROLLBACK)
        let m = try #require(StoreErrors.map(e, path: "/x/crm.sqlite", doing: "read the store") as? MailroomError)
        #expect(m.status == .localIO)
        #expect(m.message.contains("a load was stopped part way"), "\(m.message)")
        #expect(m.message.contains("rerun that load where the store can be written"))
    }
}

/// The same killed load's files on a mount that cannot be written: the read-only open cannot roll the
/// transaction back, so it fails naming that, and the files stay as they were for the load's rerun.
@Suite(.enabled(if: StoreTmpfs.available, "needs root and mount(8) for a tmpfs"))
struct StoreHotJournalReadOnlyMountTests {
    @Test func aReadOnlyOpenThatCannotRollBackSaysALoadWasStoppedAndChangesNothing() throws {
        let loaded = StoreTempDir()
        let killed = StoreTempDir()
        try StoreHotJournalTests.killedMidTransaction(loaded, killed)
        let fs = try #require(StoreTmpfs(size: "8m"))
        for name in ["crm.sqlite", "crm.sqlite-journal"] {
            try FileManager.default.copyItem(atPath: killed.file(name), toPath: fs.path + "/" + name)
        }
        #expect(fs.remount("ro"))
        let path = fs.path + "/crm.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let e = try #require(throws: MailroomError.self) {
            try StoreDump.canonical(try CRMStore.open(path: path, readOnly: true))
        }
        #expect(e.status == .localIO)
        #expect(e.location == path)
        #expect(e.message.contains("a load was stopped part way"), "\(e.message)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(fs.remount("rw"))
    }
}
