import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom store dump PIPELINE [--data]`.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look at the CRM store.",
        subcommands: [StoreDumpCommand.self]
    )
}

/// Prints the canonical dump of the pipeline's store: every table in a fixed order, one line per row
/// (`table|column=value|…`), rows sorted, timestamps masked as `*`, text escaped onto one line. Two stores holding
/// the same data print the same bytes.
struct StoreDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print a canonical, sorted dump of the pipeline's store (for comparing two stores).",
        discussion: "Reads the store only. Timestamps are masked as `*`. With --data, run bookkeeping (runs, checkpoints, schema_info) is left out and the run that created a contact masked, so loads of the same mail by different runs print the same."
    )

    @Argument(help: "The pipeline file (YAML); its `store:` names the store.") var pipeline: String
    @Flag(help: "The CRM data only: no run bookkeeping.") var data = false

    func run() throws {
        Output.write(try StoreDumpWorkflow.run(pipeline: pipeline, dataOnly: data))
    }
}
