import ArgumentParser
import MailroomIO

@main
struct Mailroom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailroom",
        abstract: "Import mailbox history into a CRM store: extract → normalize → dedupe → match → load.",
        version: "0.1.0"
    )
}
