import MailroomCore

extension RunLogText {
    /// Like `summary(_ m:)`, with what the run directory's files say: messages matched and the contacts they
    /// matched (from `match/links.ndjson`) and the quarantine reasons (from `normalize/quarantine.ndjson`).
    public static func summary(_ runner: PipelineRunner) -> String {
        let m = runner.manifest
        guard let links = try? runner.stageOutput(.match, "match/links.ndjson") else { return summary(m) }
        var messages = Set<String>(), contacts = Set<String>()
        do {
            try runner.runDir.read(ParticipantLink.self, links) { l, _ in
                if let c = l.contactId { messages.insert(l.messageKey); contacts.insert(c) }
            }
        } catch { return summary(m) }
        var reasons: [String: Int] = [:]
        if let q = try? runner.stageOutput(.normalize, "normalize/quarantine.ndjson") {
            try? runner.runDir.read(QuarantineRecord.self, q) { r, _ in reasons[r.reason.rawValue, default: 0] += 1 }
        }
        let extracted = m.stages[.extract]?.counts["extracted"] ?? 0
        let span = runner.isIMAPSync ? "new since the stored cursors (\(m.days)-day window where a folder had none)"
            : "in \(m.days) day\(m.days == 1 ? "" : "s")"
        var parts = ["\(NumberText.grouped(extracted)) message\(extracted == 1 ? "" : "s") \(span)",
                     "\(NumberText.grouped(messages.count)) matched \(NumberText.grouped(contacts.count)) contact\(contacts.count == 1 ? "" : "s")"]
        if let load = m.stages[.load]?.counts {
            parts.append("loaded \(NumberText.grouped(load["messages"] ?? 0)) messages in \(NumberText.grouped(load["threads"] ?? 0)) threads")
        }
        let q = reasons.values.reduce(0, +)
        if q > 0 {
            parts.append("\(NumberText.grouped(q)) quarantined: " + reasons.keys.sorted().map { "\($0) \(reasons[$0]!)" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
