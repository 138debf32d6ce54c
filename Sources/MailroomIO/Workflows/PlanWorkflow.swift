import Foundation
import MailroomCore

/// `mailroom plan PIPELINE`: what each backfill window would bring and cost at the provider's limits, and which
/// to choose. Makes a dry run over the widest window (nothing is loaded) unless `fromRun` names one already made.
public enum PlanWorkflow {
    /// What `mailroom plan` is given.
    public struct Request: Sendable {
        /// The pipeline file.
        public var pipeline: String
        /// `--from-run`: plan from this run directory (match complete) instead of making a dry run.
        public var fromRun: String?
        /// `--run-dir` for the dry run; nil: `runs/<time>-plan` next to the pipeline file.
        public var runDirectory: String?
        /// `--as-of`, YYYY-MM-DD UTC; nil: today.
        public var asOf: String?
        public var mailbox: String?
        /// `--provider`: the limits' preset by name; nil: the pipeline's IMAP provider, else generic.
        public var provider: String?
        /// The windows to plan, in days.
        public var windows: [Int]
        public var quiet: Bool
        /// `--purpose`: the range of windows to suggest from.
        public var purpose: PlanPurpose

        public init(pipeline: String, fromRun: String? = nil, runDirectory: String? = nil, asOf: String? = nil,
                    mailbox: String? = nil, provider: String? = nil, windows: [Int] = BackfillPlan.defaultWindows,
                    quiet: Bool = true, purpose: PlanPurpose = .handoff) {
            self.purpose = purpose
            self.pipeline = pipeline
            self.fromRun = fromRun
            self.runDirectory = runDirectory
            self.asOf = asOf
            self.mailbox = mailbox
            self.provider = provider
            self.windows = windows
            self.quiet = quiet
        }
    }

    /// The plan, and the run directory it was made from (as shown to a person).
    public struct Outcome {
        public var plan: BackfillPlan
        public var runDirectory: String
    }

    /// Makes the plan. With `fromRun`, windows longer than the run covers are left out (said through `warn`);
    /// none left is a usage error.
    public static func run(_ request: Request, warn: WarningSink) throws -> Outcome {
        let pipeline = try LoadedPipeline.load(path: request.pipeline)
        let runner: PipelineRunner
        var planned = request.windows
        if let fromRun = request.fromRun {
            runner = try PipelineRunner.resume(runDirectory: URL(fileURLWithPath: fromRun))
            let covered = runner.manifest.days
            if planned.contains(where: { $0 > covered }) {
                planned = planned.filter { $0 <= covered }
                warn("The run covers \(covered) days: longer windows are left out of the plan.")
                guard !planned.isEmpty else {
                    throw MailroomError(.usage, "the run covers only \(covered) days, shorter than every window planned: make a plan without --from-run")
                }
            }
        } else {
            let dir = try Workflow.runDirectory(request.runDirectory, pipeline, suffix: "-plan")
            let options = RunOptions(asOf: request.asOf ?? WallClock.todayUTC(), days: planned.max() ?? 365,
                                     mailbox: request.mailbox)
            runner = try PipelineRunner.start(pipeline: pipeline, runDirectory: dir, options: options)
            runner.showProgress(quiet: request.quiet)
            try runner.run(through: .match)
        }
        let limits = ProviderLimits.forPlan(pipeline.config, mailbox: request.mailbox, named: request.provider)
        var plan = BackfillPlan.make(messages: try runner.planMessages(), asOf: runner.window.end, windows: planned,
                                     limits: limits, purpose: request.purpose)
        plan.cleanup = try cleanup(pipeline, shown: request.pipeline, runner)
        return Outcome(plan: plan, runDirectory: runner.runDir.display(""))
    }

    /// After a load into the pipeline's SQLite store: review and cleanup still to do. Nil without a store (or
    /// with a PostgreSQL one, which `plan` does not read yet).
    static func cleanup(_ pipeline: LoadedPipeline, shown: String, _ runner: PipelineRunner) throws -> PlanCleanup? {
        guard !CRMStore.isPostgres(pipeline), let path = try? CRMStore.path(for: pipeline),
              FileManager.default.fileExists(atPath: path) else { return nil }
        return try CRMStore.open(path: path, readOnly: true).planCleanup(pipeline: shown, unmatched: try runner.planUnmatched())
    }
}
