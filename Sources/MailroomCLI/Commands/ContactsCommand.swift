import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom contacts import FILE.csv (--pipeline PIPELINE | --store sqlite:PATH) [--json]`.
struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Manage the CRM store's contacts.",
        subcommands: [ContactsImportCommand.self]
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

    @Option(help: "The store to import into (sqlite:PATH or a path), instead of --pipeline.")
    var store: String?

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func validate() throws {
        if (pipeline == nil) == (store == nil) {
            throw ValidationError("name the store with exactly one of --pipeline PIPELINE or --store sqlite:PATH")
        }
    }

    func run() throws {
        let path: String
        if let pipeline {
            path = try CRMStore.path(for: try LoadedPipeline.load(path: pipeline))
        } else {
            path = try CRMStore.path(fromLocation: store ?? "", relativeTo: nil)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MailroomError(.input, "cannot read the contacts file (missing or unreadable)", location: file)
        }
        let (contacts, issues) = ContactsCSV.parse([UInt8](data))
        let fatal = issues.filter(\.fatal)
        if !fatal.isEmpty {
            throw FileIssuesError(status: .input, file: file,
                                  issues: fatal.map { ConfigIssue(line: $0.line, message: $0.message) })
        }
        for i in issues where !i.fatal {
            FileHandle.standardError.write(Data("mailroom: warning: \(file):\(i.line): \(i.message)\n".utf8))
        }
        let crm = try CRMStore.open(path: path)
        let runId = "contacts-" + WallClock.timestamp()
        let s = try crm.importContacts(contacts, runId: runId)
        if json {
            Output.json(ContactsImportResult(store: path, contacts: contacts.count, summary: s, issues: issues.count))
        } else {
            var out = CRMStore.importMessage(contacts.count, s) + "\n"
            for e in s.emailsSkipped {
                out += "  contact \(e.contactId): email \(e.position + 1) is already on contact \(e.heldBy): kept, "
                    + "not used for matching\n"
            }
            out += "Store: \(path)\n"
            Output.write(out)
        }
    }
}
