import ArgumentParser
import Foundation
import Logging
import MailroomIO

@main
struct Mailroom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailroom",
        abstract: "Import mailbox history into a CRM store: extract → normalize → dedupe → match → load.",
        discussion: "Exit codes are listed in the README (0 ok, 2 usage or pipeline file, 3 input, 4 store, 5 local I/O, 6 locked, 7 review failed, ...).",
        version: "0.1.0 (libcurl \(IMAPConnection.curlVersion); IMAP needs libcurl \(IMAPConnection.minimumCurlVersionText) or newer; \(Allocator.description))",
        subcommands: [RunCommand.self, StageCommand.self, ReportCommand.self, PlanCommand.self, ContactsCommand.self, ReviewCommand.self,
                      BackfillCommand.self, SyncCommand.self, MailboxCommand.self, RunsCommand.self, StoreCommand.self,
                      RelinkCommand.self]
    )

    /// Parses, runs, and maps every error to one documented exit code in one place.
    static func main() {
        // Everything Mailroom writes holds private mail: owner-only whatever the caller's umask (the I/O layer
        // also creates its files 0600 and folders 0700 explicitly).
        umask(0o077)
        HeapTrim.configureAllocator()
        OpenFileLimit.raise()
        LoggingSystem.bootstrap { label in
            var h = SanitizedLogHandler(inner: StreamLogHandler.standardError(label: label))
            h.logLevel = ProcessInfo.processInfo.environment["MAILROOM_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return h
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Foundation.exit(ErrorReporter.report(error))
        }
    }
}
