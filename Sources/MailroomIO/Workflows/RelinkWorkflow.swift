import Foundation
import MailroomCore

/// `mailroom relink PIPELINE [--dry-run] [--allow-visibility-change]`: participant links from the store's
/// contacts, directions from the current `owner` addresses, thread classes and visibility from the current
/// `ownDomains`, recomputed over what is loaded (`CRMStore.relink`). SQLite stores only.
public enum RelinkWorkflow {
    public static func run(pipeline path: String, dryRun: Bool, allowVisibilityChange: Bool,
                           now: @escaping () -> Date = { Date() }) throws -> RelinkSummary {
        let pipeline = try LoadedPipeline.load(path: path)
        // A PostgreSQL store is refused there (exit 2, one line naming it).
        let storePath = try CRMStore.path(for: pipeline)
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw MailroomError(.store, "no store here yet: load a run first", location: storePath)
        }
        var owners: [String: Set<String>] = [:]
        for m in pipeline.config.mailboxes {
            owners[m.name] = Set(m.owner.compactMap { AddressNormalizer.parse($0)?.key })
        }
        let settings = CRMStore.RelinkSettings(ownDomains: pipeline.config.ownDomains, owners: owners,
                                               createContacts: pipeline.config.createContacts == .sent,
                                               allowVisibilityChange: allowVisibilityChange, dryRun: dryRun)
        return try CRMStore.open(path: storePath).relink(settings, runId: "relink-" + WallClock.timestamp(), now: now)
    }
}
