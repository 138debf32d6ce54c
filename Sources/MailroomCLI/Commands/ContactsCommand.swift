import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom contacts import FILE.csv (--pipeline PIPELINE | --store sqlite:PATH) [--json]`, and the commands on a
/// pipeline's store (`ContactsEditCommands.swift`).
struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Manage the CRM store's contacts.",
        subcommands: [ContactsImportCommand.self, ContactsDuplicatesCommand.self, ContactsMergeCommand.self,
                      ContactsUnmergeCommand.self, ContactsAddEmailCommand.self, ContactsRemoveEmailCommand.self,
                      ContactsExportCommand.self]
    )
}

/// Imports a contacts CSV (`id,name,emails`) into the store: contacts are inserted or updated by id, never
/// duplicated; an address already on another contact is not saved twice.
struct ContactsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a contacts CSV (id,name,emails) into the store; re-importing updates contacts by id."
    )

    @Argument(help: "The contacts CSV file.")
    var file: String

    @Option(help: "The pipeline file whose `store:` to import into.")
    var pipeline: String?

    @Option(help: "The store to import into (sqlite:PATH, a path, or postgres://… with its password from PGPASSWORD or ~/.pgpass), instead of --pipeline.")
    var store: String?

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func validate() throws {
        if (pipeline == nil) == (store == nil) {
            throw ValidationError("name the store with exactly one of --pipeline PIPELINE or --store sqlite:PATH")
        }
    }

    func run() throws {
        let result = try ContactsImportWorkflow.run(file: file, pipeline: pipeline, store: store, warn: ErrorReporter.printErr)
        if json {
            Output.json(result)
        } else {
            var out = CRMStore.importMessage(result.contacts, result.summary) + "\n"
            for e in result.summary.emailsSkipped {
                out += "  contact \(e.contactId): email \(e.position + 1) is already on contact \(e.heldBy): kept, "
                    + "not used for matching\n"
            }
            out += "Store: \(result.store)\n"
            Output.write(out)
        }
    }
}
