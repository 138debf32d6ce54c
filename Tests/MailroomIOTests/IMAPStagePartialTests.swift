import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// `mailroom stage extract` and `stage load` end like `run`, `sync` and `backfill`: exit 8 ("partial") while a
/// server has not delivered some messages (the cursors stay below them), exit 0 once it has.
struct IMAPStagePartialTests {
    @Test func stageExtractAndStageLoadExitPartialWhileMessagesAreMissing() throws {
        guard IMAPCommandLineTests.isBuilt() else { return }
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        s.omission = .no
        s.leaveOut = { _, uid, body in body && uid == 3 }
        let dir = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try IMAPTestPipeline.write(in: dir, name: "stages", port: s.port, secretVariable: "MAILROOM_TEST_STAGE_SECRET",
                                   extra: ["throttle: {maxRetries: 1}"])
        let env = ["MAILROOM_TEST_STAGE_SECRET": "pw"]
        let run = dir + "/run"
        func stage(_ name: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try IMAPCommandLineTests.mailroom(["stage", name, "--run", run, "--quiet"], env: env)
        }
        let first = try IMAPCommandLineTests.mailroom(["run", dir + "/p.yml", "--run-dir", run, "--as-of", "2026-01-12",
                                                       "--days", "3", "--quiet"], env: env)
        #expect(first.status == 8, "\(first.stderr)")

        // The server still leaves UID 3 out: the rerun extract asks again, notes it, and exits 8 after its output.
        let extract = try stage("extract")
        #expect(extract.status == 8, "\(extract.stderr)")
        #expect(extract.stdout.hasPrefix("extract: "), "\(extract.stdout)")
        #expect(extract.stderr.contains("1 message not delivered by the server"), "\(extract.stderr)")
        #expect(extract.stderr.contains("folder \"INBOX\": the server did not deliver UID 3"), "\(extract.stderr)")
        for name in ["normalize", "dedupe", "match"] {
            let r = try stage(name)
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
        let load = try stage("load")
        #expect(load.status == 8, "\(load.stderr)")
        #expect(load.stderr.contains("1 message not delivered by the server"), "\(load.stderr)")
        let json = try IMAPCommandLineTests.mailroom(["stage", "load", "--run", run, "--quiet", "--json"], env: env)
        #expect(json.status == 8, "\(json.stderr)")
        #expect(json.stdout.hasPrefix("{"))
        let store = try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true)
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)

        // Delivered now: the extract fetches it and both stages exit 0.
        s.leaveOut = { _, _, _ in false }
        let fetched = try stage("extract")
        #expect(fetched.status == 0, "\(fetched.stderr)")
        for name in ["normalize", "dedupe", "match", "load"] {
            let r = try stage(name)
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 5)
        #expect(try store.knownMessages(mailbox: "work", folder: "INBOX").count == 5)
    }
}
