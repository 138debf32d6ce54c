import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom sync PIPELINE [--mailbox NAME]`: "sync now". Each IMAP folder fetches what is above the cursor the
/// store holds (a folder without a cursor: the pipeline's `backfillDays`), then the run goes through every stage
/// and load saves the new cursors with the loaded rows. File mailboxes are read over the same window.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch what is new on the IMAP servers since the last load and run it through the stages into the store."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    /// `--days` is the window for folders never synced before.
    @OptionGroup var window: RunWindowOptions

    @Flag(help: "Print the report as one JSON document.")
    var json = false

    func run() throws {
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        let outcome = try SyncWorkflow.run(window.request(pipeline), warn: ErrorReporter.printErr)
        try RunOutput.emit(outcome, format: json ? .json : .text, out: nil)
    }
}
