/// What a contacts command (`duplicates`, `merge`, `unmerge`, `add-email`, `remove-email`, `export`) did, or with
/// `--dry-run` would do: its `--json` document and the text it prints.
public struct ContactCommandResult: JSONWritable, Equatable {
    /// `duplicates`, `merge`, `unmerge`, `add-email`, `remove-email` or `export`.
    public var command: String
    public var store: String
    public var dryRun: Bool
    /// The run-log row (`runs.id`) it wrote; nil for a dry run, which writes nothing.
    public var runId: String?
    /// The merge made (`merge`) or undone (`unmerge`): the MERGE_ID of `contacts unmerge`.
    public var mergeId: Int?
    /// What changed, by name (`emailsMoved`, `linksAdded`, `linksRemoved`, `threadsMatched`, ...).
    public var counts: [String: Int]
    /// One line for a person.
    public var message: String
    /// `duplicates`: the groups found.
    public var groups: [ContactGroup]

    public init(command: String, store: String, dryRun: Bool, runId: String? = nil, mergeId: Int? = nil,
                counts: [String: Int] = [:], message: String, groups: [ContactGroup] = []) {
        self.command = command
        self.store = store
        self.dryRun = dryRun
        self.runId = runId
        self.mergeId = mergeId
        self.counts = counts
        self.message = message
        self.groups = groups
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schemaVersion", 1)
        w.field("command", command)
        w.field("store", store)
        w.field("dryRun", dryRun)
        w.field("runId", runId)
        w.field("mergeId", mergeId)
        w.key("counts")
        w.beginObject()
        for k in counts.keys.sorted() { w.field(k, counts[k]!) }
        w.endObject()
        w.field("message", message)
        if command == "duplicates" { w.field("groups", groups) }
        w.endObject()
    }

    /// The text `mailroom contacts …` prints (terminal text is cleaned by the caller).
    public var text: String {
        var out = (dryRun ? "Dry run (nothing written): " : "") + message + "\n"
        for g in groups {
            let reasons = g.reasons.map { "\($0.reason) \($0.addresses.joined(separator: " / "))" }
            out += "  \(g.groupId): \(g.contactIds.joined(separator: ", ")) — \(reasons.joined(separator: "; "))\n"
            out += "    mailroom contacts merge PIPELINE --keep \(g.contactIds[0]) "
                + g.contactIds.dropFirst().joined(separator: " ") + "\n"
        }
        out += "Store: \(store)\n"
        return out
    }
}
