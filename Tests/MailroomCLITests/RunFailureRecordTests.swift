import Foundation
import MailroomIO
import Testing

/// `mailroom sync|backfill|run` that fail before loading, run as a user would: the run log gets the failed row
/// and the directory reserved for the run is gone; when the store then refuses that row (a fault injected where
/// it is written), the command still ends with the run's own error and exit code, and one more stderr line says
/// the row could not be written (it used to vanish in a `try?`).
@Suite(.serialized) struct RunFailureRecordTests {
    static func workspace() throws -> TempFolder {
        let dir = TempFolder()
        let yaml = """
            name: failing
            mailboxes:
              - name: main
                source: maildir
                path: missing-mail
                owner: [me@example.com]
            ownDomains: [example.com]
            store: sqlite:crm.sqlite

            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir.path + "/p.yml"))
        _ = try CRMStore.open(path: dir.path + "/crm.sqlite")
        return dir
    }

    static func reserved(_ dir: TempFolder) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/runs")) ?? []
    }

    @Test(arguments: ["run", "backfill", "sync"])
    func aFailedRunIsRecordedAndItsReservedDirectoryRemoved(command: String) throws {
        let dir = try Self.workspace()
        let r = try MailroomProcess.run([command, dir.path + "/p.yml", "--quiet", "--as-of", "2026-11-21"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("the path does not exist"), "\(r.stderr)")
        #expect(Self.reserved(dir).isEmpty)
        let rows = try CRMStore.open(path: dir.path + "/crm.sqlite", readOnly: true).runs()
        #expect(rows.count == 1 && rows.first?.status == .failed && rows.first?.errorCode == "input")
        #expect(rows.first?.kind == (command == "run" ? .load : RunLogEntry.Kind(rawValue: command)))
    }

    @Test func aFailedRowTheStoreRefusesIsSaidAndTheRunsOwnErrorAndExitCodeStay() throws {
        let dir = try Self.workspace()
        let r = try MailroomProcess.run(["sync", dir.path + "/p.yml", "--quiet"],
                                        env: ["MAILROOM_FAULT": "runlog.record-end:1:fail"])
        #expect(r.status == 3, "\(r.stderr)")
        // The debug build's fault hook announces itself on a line of its own.
        let lines = r.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("mailroom: fault injected") }
        #expect(lines.count == 2, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("mailroom: warning: the run failed and its run log row ") == true, "\(r.stderr)")
        #expect(lines.first?.contains("could not be written (simulated failure at runlog.record-end") == true, "\(r.stderr)")
        #expect(lines.last?.hasPrefix("mailroom: error: ") == true && lines.last?.contains("the path does not exist") == true)
        #expect(try CRMStore.open(path: dir.path + "/crm.sqlite", readOnly: true).runs().isEmpty)
        #expect(Self.reserved(dir).isEmpty)
    }
}
