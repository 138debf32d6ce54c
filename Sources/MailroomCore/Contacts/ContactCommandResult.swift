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
    /// The pipeline file as the person typed it, for the commands the text shows (the JSON says `PIPELINE`).
    public var pipeline: String?

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
        let p = pipeline.map(ShellQuote.word) ?? "PIPELINE"
        var shown = message
        if pipeline != nil, let id = mergeId, shown.hasSuffix("`mailroom contacts unmerge PIPELINE \(id)`") {
            shown = String(shown.dropLast("`mailroom contacts unmerge PIPELINE \(id)`".count))
                + "`" + ShellQuote.command(["mailroom", "contacts", "unmerge", p, String(id)]) + "`"
        }
        var out = (dryRun ? "Dry run (nothing written): " : "") + shown + "\n"
        for g in groups {
            let reasons = g.reasons.map { "\($0.reason) \($0.addresses.joined(separator: " / "))" }
            out += "  \(g.groupId): \(g.contactIds.joined(separator: ", ")) — \(reasons.joined(separator: "; "))\n"
            out += "    " + ShellQuote.command(["mailroom", "contacts", "merge", p, "--keep"] + g.contactIds) + "\n"
        }
        out += "Store: \(store)\n"
        return out
    }
}

extension ContactCommandResult {
    /// "1 message", "3 messages": `count(n, "message")`.
    public static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
