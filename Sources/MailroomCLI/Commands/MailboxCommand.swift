import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom mailbox list|test|depend|disconnect|reconnect`: the lifecycle of a pipeline's mailboxes.
struct MailboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox",
        abstract: "See, test, disconnect and reconnect the pipeline's mailboxes, and record what relies on them.",
        subcommands: [List.self, Test.self, Depend.self, Disconnect.self, Reconnect.self]
    )

    /// A mailbox named on the command line, checked against the pipeline.
    static func config(_ loaded: LoadedPipeline, _ name: String) throws -> MailboxConfig {
        try loaded.config.requireMailbox(named: name)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every mailbox with its state (connected, disconnected, failing), last sync, messages loaded, newest message per folder and what relies on it.")

        @Argument(help: "The pipeline file (YAML).") var pipeline: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() throws {
            let loaded = try LoadedPipeline.load(path: pipeline)
            let all = try MailboxOverview.all(loaded)
            if json { Output.json(MailboxOverview.json(all)) } else { Output.write(MailboxOverview.text(all)) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a mailbox step by step: DNS, TCP port, TLS or STARTTLS, certificate, login, folder listing, Sent folder.",
            discussion: "Stops at the first failure and says what to check; exit 10 host, 11 port, 12 encryption, 13 username or app password, 14 folder (3 for a file mailbox's path). The secret is never printed.")

        @Argument(help: "The pipeline file (YAML).") var pipeline: String
        @Argument(help: "The mailbox's name in the pipeline.") var mailbox: String
        @Flag(help: "Print one JSON document.") var json = false
        @Option(help: "Seconds to wait for each connection step.") var timeout: Int = 10

        func run() throws {
            let loaded = try LoadedPipeline.load(path: pipeline)
            let m = try MailboxCommand.config(loaded, mailbox)
            let report = MailboxProbe.run(loaded, mailbox: m, connectTimeoutMs: max(timeout, 1) * 1000)
            if json { Output.json(report) } else { Output.write(report.text()) }
            if let f = report.failure {
                ErrorReporter.printErr("mailroom: error: \(f.description)")
                throw ExitCode(f.status.rawValue)
            }
        }
    }

    struct Depend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what relies on a mailbox: its owner, users it is shared with, CRM email flows that send through it.",
            discussion: "KIND is owner, shared-user or email-flow. Without --add or --remove, lists them.")

        @Argument(help: "The pipeline file (YAML).") var pipeline: String
        @Argument(help: "The mailbox's name in the pipeline.") var mailbox: String
        @Option(parsing: .upToNextOption, help: "Add KIND NAME.") var add: [String] = []
        @Option(parsing: .upToNextOption, help: "Remove KIND NAME.") var remove: [String] = []
        @Flag(help: "List what relies on the mailbox (the default).") var list = false
        @Flag(help: "Print one JSON document.") var json = false

        func validate() throws {
            if !add.isEmpty && !remove.isEmpty { throw ValidationError("give --add or --remove, not both") }
            for (flag, v) in [("--add", add), ("--remove", remove)] where !v.isEmpty {
                guard v.count == 2 else { throw ValidationError("\(flag) takes KIND NAME (two values), e.g. \(flag) email-flow \"Renewal reminders\"") }
                guard MailboxDependent.Kind(rawValue: v[0]) != nil else {
                    throw ValidationError("\(flag): KIND must be owner, shared-user or email-flow, not '\(v[0])'")
                }
            }
        }

        func run() throws {
            let change: MailboxWorkflow.DependChange? = add.count == 2
                ? .add(MailboxDependent.Kind(rawValue: add[0])!, add[1])
                : remove.count == 2 ? .remove(MailboxDependent.Kind(rawValue: remove[0])!, remove[1]) : nil
            let outcome = try MailboxWorkflow.depend(pipeline: pipeline, mailbox: mailbox, change: change)
            if let note = outcome.note { ErrorReporter.printErr(note) }
            if json { Output.json(outcome.dependents) } else { Output.write(outcome.dependents.text()) }
        }
    }

    struct Disconnect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop syncing (and sending through) a mailbox, keeping everything loaded from it.",
            discussion: "Refused (exit 2) while anything relies on the mailbox, unless --replace-with OTHER moves the shared users and email flows to another connected mailbox, or --force. Removes the stored credentials reference; folder cursors stay but are no longer authoritative.")

        @Argument(help: "The pipeline file (YAML).") var pipeline: String
        @Argument(help: "The mailbox's name in the pipeline.") var mailbox: String
        @Option(help: "Move shared users and email flows to this connected mailbox of the pipeline.") var replaceWith: String?
        @Flag(help: "Disconnect although something relies on the mailbox.") var force = false
        @Option(help: "Why, kept with the state.") var reason: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() throws {
            let o = try MailboxWorkflow.disconnect(pipeline: pipeline, mailbox: mailbox, replaceWith: replaceWith,
                                                   force: force, reason: reason)
            if json {
                Output.json(o)
                return
            }
            var text = "Disconnected \(mailbox)\(o.wasDisconnected ? " (it already was)" : ""): sync and sending stopped.\n"
            if !o.dependents.isEmpty {
                text += "Relied on it: \(o.dependents.map(\.label).joined(separator: ", "))\n"
            }
            if let other = o.replacement { text += "Moved to \(other): \(o.moved.isEmpty ? "nothing" : o.moved.map(\.label).joined(separator: ", "))\n" }
            text += "Kept: \(o.messagesKept) messages in \(o.threadsKept) threads, \(o.cursorsKept) folder cursors (not authoritative until a sync confirms them).\n"
            text += "To bring it back: mailroom mailbox reconnect \(pipeline) \(mailbox)\n"
            Output.write(text)
        }
    }

    struct Reconnect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-enable a mailbox, sync it now, and say whether a backfill is needed and for which days.",
            discussion: "The sync is `mailroom sync --mailbox MAILBOX`: IMAP folders continue from their stored cursors (UIDVALIDITY confirmed, or the folder re-identified), so nothing is missing there; a folder without a cursor reads the window. A backfill is advised only for the gap between the newest message loaded before and the start of that window, as an exact `mailroom backfill ... --as-of DAY --days N`.")

        @Argument(help: "The pipeline file (YAML).") var pipeline: String
        @Argument(help: "The mailbox's name in the pipeline.") var mailbox: String
        @Option(help: "Window in days for folders without a stored cursor, and for file mailboxes (default: the pipeline's backfillDays).") var days: Int?
        @Option(help: "The day the sync's window ends with, YYYY-MM-DD UTC (default: today).") var asOf: String?
        @Option(help: "The run directory to create (default: runs/<time> next to the pipeline file).") var runDir: String?
        @Flag(help: "Print one JSON document.") var json = false
        @Flag(help: "No progress line on stderr.") var quiet = false

        func validate() throws {
            if let days, !(1...36500).contains(days) { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
        }

        func run() throws {
            let report = try ReconnectWorkflow.run(
                ReconnectWorkflow.Request(pipeline: pipeline, mailbox: mailbox, runDirectory: runDir, asOf: asOf,
                                          days: days, quiet: quiet),
                warn: ErrorReporter.printErr)
            if json { Output.json(report) } else { Output.write(report.text()) }
            if let partial = report.partial { throw partial }
        }
    }
}
