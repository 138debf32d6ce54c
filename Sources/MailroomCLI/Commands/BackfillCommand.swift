import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom backfill PIPELINE [--days N] [--mailbox NAME] [--dry-run]`: the window of the last N days through
/// every stage into a new run directory; with `--dry-run`, only what the window holds on each IMAP server
/// (messages and bytes per folder, from a listing: no message is fetched, nothing is written).
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Fetch the last N days of the pipeline's mailboxes and run them through the stages (with --dry-run: count what the window holds on the IMAP servers, fetch nothing)."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Flag(help: "Only count the window's messages and bytes on the IMAP servers; fetch and write nothing.")
    var dryRun = false

    @OptionGroup var window: RunWindowOptions

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let request = window.request(pipeline)
        guard !dryRun else {
            let listing = try BackfillWorkflow.listing(request, warn: ErrorReporter.printErr)
            if json { Output.json(listing) } else { Output.write(listing.text()) }
            return
        }
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        let outcome = try BackfillWorkflow.run(request, warn: ErrorReporter.printErr)
        try RunOutput.emit(outcome, format: json ? .json : .text, out: nil)
    }
}
