import Foundation
import GRDB
import MailroomIO
import Testing

/// SIGINT and SIGTERM sent to the built `mailroom run` in the middle of each stage (debug build: the run waits
/// at `MAILROOM_FAULT=<point>:<n>:pause` until the signal has arrived, so the signal lands at a known point).
/// Each must stop at the next safe point with exit 130 / 143, leave no `.tmp-PID` file, mark the run
/// `interrupted` with the stage it reached in the run log, and a rerun must give the store of an uninterrupted run.
@Suite(.serialized, .enabled(if: StoreProcess.supportsLoad, "needs the built mailroom with run and stage load"))
struct InterruptTests {
    struct Case: CustomStringConvertible, Sendable {
        var point: String
        var signal: Int32
        var stage: String
        var description: String { "\(signal == SIGTERM ? "SIGTERM" : "SIGINT") at \(point)" }
    }

    static let cases = [
        Case(point: "extract.safe-point:100", signal: SIGINT, stage: "extract"),
        Case(point: "normalize.safe-point:2", signal: SIGTERM, stage: "normalize"),
        Case(point: "dedupe.safe-point:1", signal: SIGINT, stage: "dedupe"),
        Case(point: "match.safe-point:1", signal: SIGTERM, stage: "match"),
        Case(point: "load.batch.afterCommit:2", signal: SIGINT, stage: "load"),
    ]

    static let messages = 600

    /// A workspace whose store exists before the run (its contacts imported), as on any run after the first.
    static func workspace() throws -> StoreWorkspace {
        let ws = try StoreWorkspace(messages: messages)
        let imported = try StoreProcess.run(["contacts", "import", ws.folder.path + "/contacts.csv", "--pipeline", ws.pipeline])
        guard imported.status == 0 else { throw MailroomError(.internalError, "contacts import failed: \(imported.stderr)") }
        return ws
    }

    /// The CRM data of an uninterrupted run of the same workspace.
    static let cleanData: Result<String, Error> = Result {
        let ws = try workspace()
        let r = try ws.run("r1")
        guard r.status == 0 else { throw MailroomError(.internalError, "clean run failed: \(r.stderr)") }
        return try StoreDump.canonical(CRMStore.open(path: ws.storePath, readOnly: true), scope: .data)
    }

    @Test(arguments: cases)
    func aSignalMidRunStopsAtASafePointRemovesTempFilesAndMarksTheRun(c: Case) throws {
        let clean = try Self.cleanData.get()
        let ws = try Self.workspace()
        let err = ws.folder.path + "/stderr"
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = try ws.start("r1", env: ["MAILROOM_FAULT": "\(c.point):pause"], err: err)
        try Self.waitForPause(err, p)
        if c.stage != "load" {
            // The stage's files are being written: the test would prove nothing without them.
            #expect(!Self.tempFiles(ws.runDir("r1")).isEmpty, "no .tmp- file while \(c.stage) runs")
        }
        kill(p.processIdentifier, c.signal)
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == (c.signal == SIGTERM ? 143 : 130), "\(c): \(stderr)")
        #expect(stderr.contains("interrupted by \(c.signal == SIGTERM ? "SIGTERM" : "SIGINT") during \(c.stage)"), "\(stderr)")
        #expect(Self.tempFiles(ws.runDir("r1")) == [])

        let row = try #require(try CRMStore.open(path: ws.storePath, readOnly: true).run(id: "r1"))
        #expect(row.status == .interrupted)
        #expect(row.message.contains("during \(c.stage)"), "\(row.message)")
        #expect(row.errorCode == (c.signal == SIGTERM ? "terminated" : "interrupted"))
        #expect(row.finishedAt != nil)

        // Rerun as after a kill: an interrupted load is finished by its own run directory; an earlier stage
        // loaded nothing, so a new run does the work.
        if c.stage == "load" {
            let rerun = try StoreProcess.run(["stage", "load", "--run", ws.runDir("r1")])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let done = try #require(try CRMStore.open(path: ws.storePath, readOnly: true).run(id: "r1"))
            #expect(done.status == .ok)
            #expect(done.errorCode == nil)
        } else {
            let rerun = try ws.run("r2")
            #expect(rerun.status == 0, "\(rerun.stderr)")
        }
        #expect(try StoreDump.canonical(CRMStore.open(path: ws.storePath, readOnly: true), scope: .data) == clean)
    }

    /// A stage stuck before its next safe point (`hang`: the fault point ignores the first signal): the first
    /// signal changes nothing, a second ends the run at once with its code, says so, and leaves no temporary file
    /// of the normalize stage it was writing. A new run then gives the store of an uninterrupted run.
    @Test func aSecondSignalStopsAStuckRunAtOnceAndRemovesItsTempFiles() throws {
        let clean = try Self.cleanData.get()
        let ws = try Self.workspace()
        let err = ws.folder.path + "/stderr"
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = try ws.start("r1", env: ["MAILROOM_FAULT": "normalize.safe-point:2:hang"], err: err)
        try Self.waitForPause(err, p, word: "(hang)")
        #expect(!Self.tempFiles(ws.runDir("r1")).isEmpty, "no .tmp- file while normalize runs")
        kill(p.processIdentifier, SIGTERM)
        usleep(500_000)
        #expect(p.isRunning, "the first signal must wait for a safe point")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("mailroom: stopped at once by a second signal"), "\(stderr)")
        #expect(Self.tempFiles(ws.runDir("r1")) == [])
        let rerun = try ws.run("r2")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try StoreDump.canonical(CRMStore.open(path: ws.storePath, readOnly: true), scope: .data) == clean)
    }

    /// Files named `.NAME.tmp-PID` anywhere below `dir`.
    static func tempFiles(_ dir: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            if (f as NSString).lastPathComponent.contains(".tmp-") { out.append(f) }
        }
        return out.sorted()
    }

    /// Waits until the child says it is paused at its fault point (or has ended, which the caller then sees).
    static func waitForPause(_ err: String, _ p: Process, word: String = "(pause)") throws {
        for _ in 0..<6_000 {
            if let text = try? String(contentsOfFile: err, encoding: .utf8), text.contains(word) { return }
            if !p.isRunning { return }
            usleep(20_000)
        }
        p.terminate()
        throw CancellationError()
    }
}
