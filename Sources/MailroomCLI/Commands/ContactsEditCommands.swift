import ArgumentParser
import Foundation
import MailroomIO

/// What every contacts command on a pipeline's store takes: the pipeline, `--dry-run` and `--json`.
struct ContactsStoreOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML); its `store:` names the store.") var pipeline: String
    @Flag(help: "Do the work and roll it back: print what would change, write nothing, log no run.") var dryRun = false
    @Flag(help: "Print one JSON document instead of text.") var json = false

    func run(_ command: ContactsCommandsWorkflow.Command) throws {
        let result = try ContactsCommandsWorkflow.run(command, pipeline: pipeline, dryRun: dryRun)
        if json { Output.json(result) } else { Output.write(result.text) }
    }
}

/// `mailroom contacts duplicates PIPELINE`: contacts of the store that look like one person, with the reasons.
struct ContactsDuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List the store's contacts that look like one person, with the reasons and the merge command for each group.")
    @OptionGroup var options: ContactsStoreOptions
    func run() throws { try options.run(.duplicates) }
}

/// `mailroom contacts merge PIPELINE --keep ID ID…`.
struct ContactsMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge contacts into one: their emails, participant links and thread links move to the kept contact (undo with `contacts unmerge`).")
    @OptionGroup var options: ContactsStoreOptions
    @Option(help: "The contact id to keep.") var keep: String
    @Argument(help: "The contact ids to merge into it.") var ids: [String] = []
    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one contact id to merge into --keep \(keep)") }
    }
    func run() throws { try options.run(.merge(keep: keep, ids: ids)) }
}

/// `mailroom contacts unmerge PIPELINE MERGE_ID`.
struct ContactsUnmergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmerge",
        abstract: "Undo a merge: the exact rows it changed are put back.")
    @OptionGroup var options: ContactsStoreOptions
    @Argument(help: "The merge number `contacts merge` printed.") var mergeId: String
    func run() throws { try options.run(.unmerge(mergeId: mergeId)) }
}

/// `mailroom contacts add-email PIPELINE ID ADDRESS`.
struct ContactsAddEmailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-email",
        abstract: "Add an address to a contact and link the loaded messages that carry it.")
    @OptionGroup var options: ContactsStoreOptions
    @Argument(help: "The contact id.") var id: String
    @Argument(help: "The address to add.") var address: String
    func run() throws { try options.run(.addEmail(id: id, address: address)) }
}

/// `mailroom contacts remove-email PIPELINE ID ADDRESS`.
struct ContactsRemoveEmailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-email",
        abstract: "Remove an address from a contact and unlink the loaded messages linked through it.")
    @OptionGroup var options: ContactsStoreOptions
    @Argument(help: "The contact id.") var id: String
    @Argument(help: "The address to remove.") var address: String
    func run() throws { try options.run(.removeEmail(id: id, address: address)) }
}

/// `mailroom contacts export PIPELINE FILE.csv`.
struct ContactsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the store's imported contacts as a contacts file (id,name,emails) that `contacts import` reads back.")
    @OptionGroup var options: ContactsStoreOptions
    @Argument(help: "The CSV file to write (mode 0600).") var file: String
    func run() throws { try options.run(.export(file: file)) }
}
