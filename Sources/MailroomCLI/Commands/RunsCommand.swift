import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom runs PIPELINE [--json] [--mailbox NAME] [--limit N]`: the run log, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "The run log: every load, sync, disconnect and reconnect, newest first, with what it did or why it failed.",
        discussion: "Every load, sync, backfill, disconnect and reconnect is recorded, also a run that failed before it reached the store (when the store exists) and a run refused because its mailbox is disconnected. Dry runs and review are not recorded: they never write the store."
    )

    @Argument(help: "The pipeline file (YAML); its `store:` names the store.") var pipeline: String
    @Option(help: "Only runs that include this mailbox.") var mailbox: String?
    @Option(help: "At most this many runs.") var limit: Int?
    @Flag(help: "Print one JSON document.") var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let runs = try RunsWorkflow.run(pipeline: pipeline, mailbox: mailbox, limit: limit)
        if json {
            Output.json(RunLogEntry.json(runs))
            return
        }
        Output.write(runs.isEmpty ? "No runs recorded yet.\n" : RunLogEntry.text(runs))
    }
}
