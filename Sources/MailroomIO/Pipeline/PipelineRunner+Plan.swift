import MailroomCore

extension PipelineRunner {
    /// The backfill planner's input from this run (match must be complete): one `PlanMessage` per unique message
    /// of `dedupe/messages.ndjson`, its bytes those of every copy (each copy is downloaded), its thread and match
    /// from `match/threads.ndjson`. Run with the widest window to plan (`BackfillPlan.defaultWindows.max()`).
    public func planMessages() throws -> [PlanMessage] {
        guard manifest.stages[.match]?.status == .complete else {
            throw MailroomError(.input, "the plan needs a complete match stage: run `mailroom stage match --run \(runDir.display(""))`",
                                location: runDir.display(RunDirectory.manifestName))
        }
        var byKey: [String: Int] = [:]
        var messages: [PlanMessage] = []
        try runDir.read(DedupedMessage.self, try stageOutput(.dedupe, "dedupe/messages.ndjson")) { d, _ in
            byKey[d.key] = messages.count
            messages.append(PlanMessage(date: d.message.date.flatMap(MailDate.parseISO), bytes: d.message.size * max(1, d.copies.count),
                                        threadId: "", matched: false, bulk: !d.message.bulk.isEmpty))
        }
        try runDir.read(ThreadRecord.self, try stageOutput(.match, "match/threads.ndjson")) { t, _ in
            for key in t.messageKeys {
                guard let i = byKey[key] else { continue }
                messages[i].threadId = t.threadId
                messages[i].matched = t.classification == .matched
                messages[i].unmatched = t.classification == .unmatched
            }
        }
        for i in messages.indices where messages[i].threadId.isEmpty { messages[i].threadId = "unthreaded-\(i)" }
        return messages
    }

    /// The run's unmatched addresses with `PlanCleanup.unmatchedMessages` or more messages, not bulk-only.
    public func planUnmatched() throws -> [UnmatchedAddress] {
        var out: [UnmatchedAddress] = []
        try runDir.read(UnmatchedAddress.self, try stageOutput(.match, "match/unmatched.ndjson")) { u, _ in
            if !u.bulkOnly && u.messages >= PlanCleanup.unmatchedMessages { out.append(u) }
        }
        return out
    }
}
