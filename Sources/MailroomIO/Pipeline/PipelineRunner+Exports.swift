import MailroomCore

extension PipelineRunner {
    /// Every line of `match/unmatched.ndjson` (most messages first), for the CSV export: the report keeps only
    /// the first `ReportBuilder.maxUnmatched`.
    public func allUnmatchedAddresses() throws -> [UnmatchedAddress] {
        var out: [UnmatchedAddress] = []
        try runDir.read(UnmatchedAddress.self, try stageOutput(.match, "match/unmatched.ndjson")) { u, _ in out.append(u) }
        return out
    }
}
