import ArgumentParser
import Foundation
import MailroomCore
import MailroomIO

/// `mailroom relink PIPELINE [--dry-run] [--json] [--allow-visibility-change]`: recompute participant links,
/// directions and thread classes over the loaded messages from the store's contacts and the pipeline file.
/// Exit 0 (also when threads were left internal for want of `--allow-visibility-change`: the text says so and
/// `heldInternal` counts them), 2 for a PostgreSQL store, 4 without a store, 6 while another process holds it.
struct RelinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relink",
        abstract: "Recompute links, directions and thread classes over what is loaded, without extracting again.",
        discussion: """
            Participant links come from the store's contacts, directions from the pipeline's current `owner` \
            addresses, thread classes and visibility from its current `ownDomains`: what a fresh load of the same \
            mail would store. --dry-run prints what would change and writes nothing; otherwise every change \
            commits in one transaction with a `relink` run log row. A thread that would go from internal-only to \
            visible on contacts is changed only with --allow-visibility-change.
            """
    )

    @Argument(help: "The pipeline file (YAML); its `store:` names the store.")
    var pipeline: String

    @Flag(help: "Print what would change; write nothing.")
    var dryRun = false

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    @Flag(help: "Also make internal-only threads visible on contacts when they now have external participants.")
    var allowVisibilityChange = false

    func run() throws {
        let summary = try RelinkWorkflow.run(pipeline: pipeline, dryRun: dryRun,
                                             allowVisibilityChange: allowVisibilityChange)
        if json {
            Output.json(summary)
        } else {
            Output.write(summary.text(pipeline: pipeline))
        }
    }
}
