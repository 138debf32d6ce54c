import Foundation
import MailroomCore

/// `mailroom report --run DIR`: the dry-run report of an existing run directory (match must be complete), built
/// again from its files (and saved as its `report.json`).
public enum ReportWorkflow {
    public struct Outcome {
        public var report: DryRunReport
        /// The run's runner, for what is read after the report is printed (`unmatchedAddresses`).
        let runner: PipelineRunner

        /// Every unmatched external address of the run (`match/unmatched.ndjson`), most messages first.
        public func unmatchedAddresses() throws -> [UnmatchedAddress] { try runner.allUnmatchedAddresses() }
    }

    public static func run(runDirectory: String, quiet: Bool) throws -> Outcome {
        let runner = try PipelineRunner.resume(runDirectory: URL(fileURLWithPath: runDirectory))
        runner.showProgress(quiet: quiet)
        return Outcome(report: try runner.report(), runner: runner)
    }
}
