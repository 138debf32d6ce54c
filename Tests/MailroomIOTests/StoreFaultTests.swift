import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// In-process crash tests: the loader is stopped (a thrown `SimulatedCrash`, which skips every later write just as
/// `_exit` would) at each occurrence of each commit point, then run again; the store must end up exactly as after
/// a clean load. The process-level twin (`MAILROOM_FAULT`, `kill -9`) drives the built binary.
@Suite struct StoreFaultTests {
    typealias F = StoreFixture

    static var input: LoadInput {
        let (ms, ts) = F.many(20)
        var threads = ts
        for (k, t) in F.threads { threads[k] = t }
        return F.input(F.messages + ms, threads: threads, contacts: F.contacts)
    }

    static let options = LoadOptions(createContacts: .sent, batchSize: 4)

    /// How many times each point is passed in a clean load.
    static func occurrences() throws -> [String: Int] {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let counts = Counts()
        _ = try F.load(store, input, options: options, fault: FaultHook { counts.add($0) })
        return counts.value
    }

    static func cleanDump() throws -> String {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        _ = try F.load(store, input, options: options)
        return try StoreDump.canonical(store)
    }

    @Test func everyCommitPointIsPassedAtLeastOnce() throws {
        let seen = try Self.occurrences()
        for p in FaultHook.loadPoints { #expect((seen[p] ?? 0) > 0, "point \(p)") }
        #expect(Set(seen.keys) == Set(FaultHook.loadPoints))
    }

    @Test(arguments: FaultHook.loadPoints)
    func aCrashAtEveryOccurrenceOfAPointThenARerunConvergesToTheCleanStore(point: String) throws {
        let clean = try Self.cleanDump()
        let n = try Self.occurrences()[point] ?? 0
        #expect(n > 0)
        for occurrence in 1...max(n, 1) {
            let dir = StoreTempDir()
            let store = try F.open(dir)
            #expect(throws: SimulatedCrash.self, "\(point):\(occurrence)") {
                try F.load(store, Self.input, options: Self.options,
                           fault: .throwing(at: point, occurrence: occurrence))
            }
            #expect(try store.integrityCheck() == "ok")
            let s = try F.load(store, Self.input, options: Self.options)
            #expect(s.messages == 26)
            #expect(try StoreDump.canonical(store) == clean, "\(point):\(occurrence)")
        }
    }

    /// A load stopped while it finishes (building the indexes deferred on a first load) resumes after its last
    /// link: every record is read again for the counts, none is written again.
    @Test func aCrashWhileFinishingResumesAfterTheLastLink() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, options: Self.options, fault: .throwing(at: "load.finish", occurrence: 1))
        }
        let s = try F.load(store, Self.input, options: Self.options)
        #expect(s.resumedFrom == "links:\(s.links)")
        #expect(try StoreDump.canonical(store) == Self.cleanDump())
    }

    @Test(arguments: FaultHook.loadPoints)
    func aCrashThenALoadOfANewRunOfTheSameMailConvergesToTheCleanData(point: String) throws {
        let cleanDir = StoreTempDir()
        let clean = try F.open(cleanDir)
        _ = try F.load(clean, Self.input, options: Self.options)
        let dir = StoreTempDir()
        let store = try F.open(dir)
        var first = F.run
        first.runId = "killed"
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, run: first, options: Self.options,
                       fault: .throwing(at: point, occurrence: point.hasPrefix("load.batch.") ? 3 : 1))
        }
        _ = try F.load(store, Self.input, options: Self.options)
        #expect(try StoreDump.canonical(store, scope: .data) == StoreDump.canonical(clean, scope: .data))
        let killed = try store.read("t") { db in
            try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = 'killed'")
        }
        #expect(killed == (point == "load.finish.afterCommit" ? "ok" : "failed"))
    }

    @Test func twoCrashesInARowStillConverge() throws {
        let clean = try Self.cleanDump()
        let dir = StoreTempDir()
        let store = try F.open(dir)
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, options: Self.options,
                       fault: .throwing(at: "load.batch.beforeCommit", occurrence: 5))
        }
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, Self.input, options: Self.options,
                       fault: .throwing(at: "load.batch.afterCommit", occurrence: 2))
        }
        _ = try F.load(store, Self.input, options: Self.options)
        #expect(try StoreDump.canonical(store) == clean)
    }

    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func add(_ p: String) { lock.lock(); counts[p, default: 0] += 1; lock.unlock() }
        var value: [String: Int] { lock.lock(); defer { lock.unlock() }; return counts }
    }
}
