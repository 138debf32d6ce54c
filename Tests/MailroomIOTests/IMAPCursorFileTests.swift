import Foundation
import Logging
import Testing
@testable import MailroomIO
import MailroomCore

/// A run directory's `extract/raw/<mailbox>/cursors.json` (the folder cursors extract proposes, with the UIDs
/// the server did not deliver) that is damaged or missing when load, the report or the exit status read it: one
/// line naming the file (exit 3), never a trap, a raw parser error or a load that silently saves no cursors.
struct IMAPCursorFileTests {
    /// A run of the fake server's INBOX (UIDs 1...5) through match, ready to load.
    static func matchedRun(_ s: FakeIMAPServer, dir: String) throws -> PipelineRunner {
        let pipeline = try IMAPTestPipeline.write(in: dir, name: "cursor-file", port: s.port,
                                                  secretVariable: "MAILROOM_TEST_CURSOR_FILE_SECRET")
        setenv("MAILROOM_TEST_CURSOR_FILE_SECRET", "pw", 1)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let runner = try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: pipeline),
                                              runDirectory: URL(fileURLWithPath: dir + "/run"),
                                              options: RunOptions(asOf: "2026-01-12", days: 3), logger: quiet)
        try runner.run(through: .match)
        return runner
    }

    static let cursorFile = "run/extract/raw/work/cursors.json"

    @Test(arguments: [
        (#"{"schema":"extract.imap-cursors/1","mailbox":"work","cursors":[{"folder":"INBOX","uidValidity":5,"highestUID":2,"missingUIDs":[-1]}]}"#,
         "an entry of \"missingUIDs\" is not a UID"),
        (#"{"schema":"extract.imap-cursors/1","mailbox":"work","cursors":[{"folder":"INBOX","uidValidity":5,"highestUID":2,"missingUIDs":["3"]}]}"#,
         "an entry of \"missingUIDs\" is not a UID"),
        (#"{"schema":"extract.imap-cursors/1","mailbox":"work","cursors":[{"folder":"INBOX","uidValidity":5,"highestUID":-4}]}"#,
         "field \"highestUID\" is not a UID"),
        (#"{"schema":"extract.imap-cursors/1","mailbox":"work","cursors":[{"folder":"INBOX","uidValidity":5}]}"#,
         "missing field \"highestUID\""),
        (#"{"schema":"extract.imap-cursors/1","mailbox":"work","cursors":[{"folder":"INB"#, "damaged cursor file"),
    ])
    func aDamagedCursorFileIsNamedByTheNotesAndByLoad(_ damaged: String, _ why: String) throws {
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        let dir = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = try Self.matchedRun(s, dir: dir)
        try damaged.write(toFile: dir + "/" + Self.cursorFile, atomically: false, encoding: .utf8)
        for read in [{ _ = try runner.imapFolderNotes() }, { _ = try runner.imapPartialError() }, { _ = try runner.run(.load) }] {
            let e = try #require(throws: MailroomError.self) { try read() }
            #expect(e.status == .input)
            #expect(e.location?.hasSuffix(Self.cursorFile) == true, "\(e.location ?? "-")")
            #expect(e.message.contains("damaged cursor file") && e.message.contains(why), "\(e.message)")
        }
        // Nothing saved: no store, or one without the folder's cursor.
        if FileManager.default.fileExists(atPath: dir + "/crm.sqlite") {
            #expect(try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true).imapCursor(mailbox: "work", folder: "INBOX") == nil)
        }
    }

    /// Deleted after extract: load refuses (it would save no cursor), and so does the exit status.
    @Test func aMissingCursorFileAfterExtractIsNamed() throws {
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        let dir = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = try Self.matchedRun(s, dir: dir)
        try FileManager.default.removeItem(atPath: dir + "/" + Self.cursorFile)
        for read in [{ _ = try runner.imapPartialError() }, { _ = try runner.run(.load) }] {
            let e = try #require(throws: MailroomError.self) { try read() }
            #expect(e.status == .input)
            #expect(e.location?.hasSuffix(Self.cursorFile) == true, "\(e.location ?? "-")")
            #expect(e.message.contains("rerun `mailroom stage extract`"), "\(e.message)")
        }
        // Extracting again writes it, and the run loads with the cursor.
        _ = try runner.run(.extract)
        try runner.run(from: .normalize, through: .load)
        #expect(try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true).imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 5)
    }

    /// The binary: `stage load` over a damaged file ends with exit 3 and one line naming it.
    @Test func stageLoadOverADamagedCursorFileExitsInput() throws {
        guard IMAPCommandLineTests.isBuilt() else { return }
        let s = try IMAPOmissionTests.server()
        defer { s.close() }
        let dir = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.matchedRun(s, dir: dir)
        try #"{"cursors":[{"folder":"INBOX","uidValidity":5,"highestUID":2,"missingUIDs":[-1]}]}"#
            .write(toFile: dir + "/" + Self.cursorFile, atomically: false, encoding: .utf8)
        let r = try IMAPCommandLineTests.mailroom(["stage", "load", "--run", dir + "/run", "--quiet"],
                                                  env: ["MAILROOM_TEST_CURSOR_FILE_SECRET": "pw"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("cursors.json") && r.stderr.contains("damaged cursor file"), "\(r.stderr)")
        #expect(!r.stderr.contains("internal error"), "\(r.stderr)")
    }
}
