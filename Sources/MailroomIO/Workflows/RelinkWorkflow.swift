import Foundation
import MailroomCore

/// `mailroom relink PIPELINE [--dry-run] [--allow-visibility-change]`: participant links from the store's
/// contacts, directions from the current `owner` addresses, thread classes and visibility from the current
/// `ownDomains`, recomputed over what is loaded (`CRMStore.relink`, `PGStore.relink`), on either store.
public enum RelinkWorkflow {
    public static func run(pipeline path: String, dryRun: Bool, allowVisibilityChange: Bool,
                           now: @escaping () -> Date = { Date() }) throws -> RelinkSummary {
        let pipeline = try LoadedPipeline.load(path: path)
        var owners: [String: Set<String>] = [:]
        for m in pipeline.config.mailboxes {
            owners[m.name] = Set(m.owner.compactMap { AddressNormalizer.parse($0)?.key })
        }
        let settings = CRMStore.RelinkSettings(ownDomains: pipeline.config.ownDomains, owners: owners,
                                               createContacts: pipeline.config.createContacts == .sent,
                                               allowVisibilityChange: allowVisibilityChange, dryRun: dryRun)
        let runId = "relink-" + WallClock.timestamp()
        let store = try ContactsCommandsWorkflow.store(pipeline, missing: "no store here yet: load a run first")
        if let pg = store as? PGStore { return try pg.relink(settings, runId: runId, now: now) }
        return try (store as! CRMStore).relink(settings, runId: runId, now: now)
    }
}
