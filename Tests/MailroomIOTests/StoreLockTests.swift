import Foundation
import Testing
@testable import MailroomIO

@Suite struct StoreLockTests {
    typealias F = StoreFixture

    @Test func aSecondLockFailsAtOnceNamingTheHolderUntilTheFirstIsReleased() throws {
        let dir = StoreTempDir()
        let path = dir.file("crm.sqlite.lock")
        let since = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try FileLock.acquire(path: path, what: dir.file("crm.sqlite"), now: since)
        let e = try #require(throws: MailroomError.self) { try FileLock.acquire(path: path, what: "store") }
        #expect(e.status == .locked)
        #expect(e.message.contains("locked by pid \(getpid()) since 2023-11-14T22:13:20Z"))
        first.release()
        let again = try FileLock.acquire(path: path, what: "store")
        again.release()
    }

    @Test func aLockIsReleasedWhenItsValueGoesAway() throws {
        let dir = StoreTempDir()
        let path = dir.file("x.lock")
        do { _ = try FileLock.acquire(path: path, what: "x") }
        let again = try FileLock.acquire(path: path, what: "x")
        again.release()
    }

    @Test func aLoadWhileAnotherHoldsTheStoreLockIsRefusedAndWritesNothing() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let held = try FileLock.acquire(path: CRMStore.lockPath(for: store.path), what: store.path)
        defer { held.release() }
        let e = try #require(throws: MailroomError.self) {
            try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts))
        }
        #expect(e.status == .locked)
        #expect(try store.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") } == 0)
        let i = try #require(throws: MailroomError.self) { try store.importContacts(F.contacts, runId: "i") }
        #expect(i.status == .locked)
    }

    @Test func aLockFileInAMissingFolderIsALocalIOError() throws {
        let dir = StoreTempDir()
        let e = try #require(throws: MailroomError.self) {
            try FileLock.acquire(path: dir.file("missing/x.lock"), what: "x")
        }
        #expect(e.status == .localIO)
    }
}
