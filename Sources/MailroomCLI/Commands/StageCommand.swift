import ArgumentParser
import Foundation
import MailroomIO

extension Stage: ExpressibleByArgument {}

struct StageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage",
        abstract: "Rerun one stage of a run directory from its predecessor's files; later stages become stale."
    )

    @Argument(help: "The stage: extract, normalize, dedupe, match or load.")
    var stage: Stage

    @Option(name: .customLong("run"), help: "The run directory.")
    var runDirectory: String

    @Flag(help: "Print the stage's manifest entry as JSON.")
    var json = false

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func run() throws {
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        let runner = try PipelineRunner.resume(runDirectory: URL(fileURLWithPath: runDirectory))
        runner.showProgress(quiet: quiet)
        let record: StageRecord
        do {
            record = try runner.run(stage)
        } catch let e as InterruptedError {
            // A load that started has a run log row: it says interrupted, not running.
            RunLogRecorder.recordInterrupted(runner.pipeline, runId: runner.manifest.runId, kind: .load,
                                             mailboxes: runner.manifest.mailboxes.map(\.name), window: nil, error: e,
                                             createIfMissing: false)
            throw e
        }
        if stage == .match { _ = try runner.report() }
        if stage == .load { RunOutput.afterLoad(runner) { try RunLogRecorder.noteIMAP(runner) } }
        if json {
            Output.json(record.jsonBytes() + [0x0A])
        } else {
            let counts = record.counts.keys.sorted().map { "\($0) \(record.counts[$0]!)" }.joined(separator: ", ")
            Output.write("\(stage.rawValue): \(counts) in \(record.durationMs) ms\n")
            for o in record.outputs { Output.write("  \(o.file): \(o.lines) lines, \(o.schema)\n") }
            let stale = stage.downstream.filter { runner.manifest.stages[$0]?.status == .stale }
            if !stale.isEmpty {
                Output.write("Now stale: \(stale.map(\.rawValue).joined(separator: ", ")) (rerun them in order)\n")
            }
        }
        // Messages a server did not deliver (extract noted them; load keeps the cursors below them): exit 8.
        if stage == .extract || stage == .load { try RunOutput.endIfPartial(runner) }
    }
}
