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
        let outcome = try StageWorkflow.run(stage, runDirectory: runDirectory, quiet: quiet, warn: ErrorReporter.printErr)
        let record = outcome.record
        if json {
            Output.json(record)
        } else {
            let counts = record.counts.keys.sorted().map { "\($0) \(record.counts[$0]!)" }.joined(separator: ", ")
            Output.write("\(stage.rawValue): \(counts) in \(record.durationMs) ms\n")
            for o in record.outputs { Output.write("  \(o.file): \(o.lines) lines, \(o.schema)\n") }
            if !outcome.nowStale.isEmpty {
                Output.write("Now stale: \(outcome.nowStale.map(\.rawValue).joined(separator: ", ")) (rerun them in order)\n")
            }
        }
        if let partial = outcome.partial { throw partial }
    }
}
