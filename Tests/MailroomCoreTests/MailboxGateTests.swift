import Testing
import MailroomCore

/// The mailbox gate's rules on given states: a disconnected mailbox is skipped or, when named, refused (exit 9);
/// a backfill of a reconnected mailbox not synced since warns.
struct MailboxGateTests {
    static func mailbox(_ name: String) -> MailboxConfig {
        MailboxConfig(name: name, source: .mbox, path: "\(name).mbox", owner: [])
    }

    static func decide(_ states: [(String, MailboxStatus)], only: String? = nil,
                       purpose: MailboxGate.Purpose) throws -> (mailboxes: [MailboxConfig], skipped: [String], warnings: [String]) {
        try MailboxGate.decide(states.map { (config: mailbox($0.0), status: $0.1) }, only: only, purpose: purpose,
                               pipelineFile: "crm.yaml", pipelinePath: "/srv/crm/crm.yaml")
    }

    @Test func aDisconnectedMailboxIsSkippedFromTheWholePipelineAndNamedInTheNote() throws {
        let r = try Self.decide([("sales", MailboxStatus(name: "sales")),
                                 ("support", MailboxStatus(name: "support", state: .disconnected))], purpose: .run)
        #expect(r.mailboxes.map(\.name) == ["sales"])
        #expect(r.skipped == ["support"])
        #expect(r.warnings.isEmpty)
        #expect(MailboxGate.skipNote(r.skipped) == "note: skipping disconnected mailbox support (mailroom mailbox reconnect to bring one back)")
        #expect(MailboxGate.skipNote([]) == nil)
    }

    @Test func aNamedDisconnectedMailboxIsRefusedWithExitNineSayingHowToReconnect() throws {
        let s = MailboxStatus(name: "support", state: .disconnected, changedAt: "2026-11-01T00:00:00Z", reason: "left")
        let e = try #require(throws: MailroomError.self) {
            try Self.decide([("support", s)], only: "support", purpose: .sync)
        }
        #expect(e.status == .disconnected)
        #expect(e.message == "mailbox support is disconnected since 2026-11-01T00:00:00Z (left): it is not synced, backfilled or run. Its loaded mail is kept; to sync it again run `mailroom mailbox reconnect /srv/crm/crm.yaml support`")
    }

    @Test func aPipelineWhoseMailboxesAreAllDisconnectedIsRefusedNamingTheFirst() throws {
        let e = try #require(throws: MailroomError.self) {
            try Self.decide([("a", MailboxStatus(name: "a", state: .disconnected)),
                             ("b", MailboxStatus(name: "b", state: .disconnected))], purpose: .sync)
        }
        #expect(e.status == .disconnected && e.message.hasPrefix("mailbox a is disconnected"))
    }

    @Test func onlyABackfillOfAReconnectedMailboxNotSyncedSinceWarns() throws {
        let pending = [("sales", MailboxStatus(name: "sales", syncPending: true))]
        let r = try Self.decide(pending, only: "sales", purpose: .backfill)
        #expect(r.mailboxes.map(\.name) == ["sales"])
        #expect(r.warnings == ["warning: mailbox sales was reconnected and has not been synced since: run `mailroom sync crm.yaml --mailbox sales` first, then backfill only the gap it reports"])
        #expect(try Self.decide(pending, only: "sales", purpose: .sync).warnings.isEmpty)
    }
}
