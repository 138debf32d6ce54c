import Foundation
import MailroomCore

/// Match's wiring: pass 1 feeds `ThreadBuilder` (MailroomCore) dedupe's messages and threads them; pass 2 feeds
/// `Matcher` each message with its thread and writes links, threads and unmatched addresses.
extension PipelineRunner {
    func runMatch() throws -> StageResult {
        var result = StageResult()
        let input = try stageOutput(.dedupe, "dedupe/messages.ndjson")
        result.inputs = [inputRecord(input)]
        // Contacts are read from the contacts file as it is now, so that fixing contacts and rerunning match alone
        // takes effect: dedupe's contact files are refreshed when the file changed since dedupe ran (see
        // `refreshDedupeContactsIfChanged` in `StagePlan.swift`).
        let contactsSummary = try stageOutput(.dedupe, "dedupe/contacts.ndjson")
        let needsRefresh = try dedupeContactsAreStale()
        func indexTask(_ summary: FileSummary) -> JoinableThread<ContactIndex> {
            var dir = runDir
            dir.progress = nil  // the reporter is not locked: pass 1 drives it on this thread meanwhile
            return JoinableThread { [dir] in
                var contacts: [Contact] = []
                try dir.read(Contact.self, summary) { c, _ in contacts.append(c) }
                return ContactIndex(contacts: contacts)
            }
        }
        // When the contacts file is unchanged, the contact index is built on another core while pass 1 threads.
        var index = needsRefresh ? nil : indexTask(contactsSummary)
        defer { index?.waitIgnoringResult() }

        var owner: Set<String> = []
        for keys in ownerKeys().values { owner.formUnion(keys) }
        let insiders = InternalAddresses(ownDomains: pipeline.config.ownDomains, owner: owner)

        // Pass 1: threads from ids and links only (made by this runner's dedupe when it ran just before). It comes
        // before any refresh of the contact files because, when it reads the input, it reads it whole and checks
        // it against the manifest: a corrupt input stops the stage first.
        let assignment = try threadAssignment(input, insiders: insiders)

        let contacts = needsRefresh ? try refreshDedupeContacts() : contactsSummary
        if needsRefresh { index = indexTask(contacts) }
        result.inputs.append(inputRecord(contacts))
        result.settings = ["ownDomains": .array(pipeline.config.ownDomains.map { .string($0) }),
                           "owner": .array(owner.sorted().map { .string($0) }),
                           "subjectJoinDays": .int(pipeline.config.subjectJoinDays)]

        // Pass 2: participants and contacts.
        matchReportPart = nil
        var reportPart = ReportBuilder.MatchPart()
        var matcher = Matcher(insiders: insiders, contacts: try index!.wait())
        matcher.reserveCapacity(messages: input.lines, threads: assignment.threadCount)
        // Links and threads are encoded and written on threads of their own: this one is busy matching.
        let links = RecordWriterThread<ParticipantLink>(try runDir.writer("match/links.ndjson", schema: ParticipantLink.schema))
        var linkCount = 0
        try feed(&matcher, from: input, as: DedupedMatchFields.self, interruptible: .match, input: { m, _, line in
            guard let threadId = assignment.threadId(forInput: line - 1) else {
                throw MailroomError(.internalError, "message \(m.key) was not threaded", location: runDir.display(input.file) + ":\(line)")
            }
            return Matcher.Input(m, threadId: threadId, joinedBySubject: assignment.joinedBySubject(forInput: line - 1))
        }, emit: { output in
            guard case .link(let l) = output else { return }  // a message's only outputs are its links
            try links.write(l)
            reportPart.add(link: l)
            linkCount += 1
        })
        // Each output file is opened only when its records come and finished when they end (a writer holds a
        // megabyte of buffer, and match's peak is its end): the links, the threads, then the unmatched addresses.
        let linksFile = try links.finish()
        let tw = RecordWriterThread<ThreadRecord>(try runDir.writer("match/threads.ndjson", schema: ThreadRecord.schema))
        var threadCount = 0, unmatchedCount = 0
        var byClass: [ThreadClass: Int] = [:]
        // The thread records are made on every core, 64 at a time (this thread was the only one busy here),
        // and taken in order: the same records, in the same order, as `Matcher.finish` makes them.
        let order = matcher.threadOrder()
        let finished = matcher  // only read from here on
        let mapper = ParallelBatchMapper<Void, Int, ThreadRecord>(makeContext: {})
        for first in stride(from: 0, to: order.count, by: Self.threadRecordBatch) {
            let batch = Array(first..<min(first + Self.threadRecordBatch, order.count))
            try mapper.map(batch, { _, i in finished.record(at: i, of: order) }, each: { record in
                var t = record
                if let c = assignment.ids(ofThread: t.threadId) { (t.root, t.ids) = (c.root, c.ids) }
                try tw.write(t)
                reportPart.add(thread: t)
                byClass[t.classification, default: 0] += 1
                threadCount += 1
            })
        }
        let threadsFile = try tw.finish()
        let uw = try runDir.writer("match/unmatched.ndjson", schema: UnmatchedAddress.schema)
        for u in finished.unmatchedRecords() {
            try uw.write(u)
            reportPart.add(unmatched: u)
            unmatchedCount += 1
        }
        result.outputs = [threadsFile, linksFile, try uw.finish()]
        matchReportPart = (reportPart, result.outputs)
        result.counts = ["threads": threadCount, "matched": byClass[.matched] ?? 0,
                         "unmatched": byClass[.unmatched] ?? 0, "internalOnly": byClass[.internalOnly] ?? 0,
                         "links": linkCount, "unmatchedAddresses": unmatchedCount,
                         "subjectJoins": assignment.subjectJoins]
        return result
    }

    /// Thread records made at a time on the workers (see `runMatch`): few, so that a batch's records add little
    /// to match's peak memory.
    static let threadRecordBatch = 64

    /// Threads every message of `input` (and counts them for the report). A function of its own so that the builder's inputs (ids and
    /// references of every message) are freed before pass 2 builds its own state. Pass 2 reads the same file in
    /// the same order, so the assignment finds threads by line and need not keep the keys. Subject grouping
    /// needs the external participants of a few messages (those of threads sharing a base subject with a reply
    /// that has no thread headers): only when there are any, those lines alone are read again, by their byte
    /// offsets (8 bytes per message, kept during this pass only).
    ///
    /// When this runner's dedupe made the pass as it wrote `input` (`MatchFirstPass`), it is taken instead.
    private func threadAssignment(_ input: FileSummary, insiders: InternalAddresses) throws -> ThreadAssignment {
        var builder: ThreadBuilder
        var lineStart: [Int] = []
        // The report's counts of the same messages come with the same read (`matchMessagePart`).
        matchMessagePart = nil
        var messagePart = ReportBuilder.MessagePart()
        if let pass = matchFirstPass, pass.input == input {
            (builder, messagePart, lineStart) = (pass.builder, pass.messagePart, pass.lineStart)
        } else {
            builder = ThreadBuilder(subjectJoinDays: pipeline.config.subjectJoinDays)
            builder.reserveCapacity(messages: input.lines)
            lineStart.reserveCapacity(input.lines + 1)
            var position = 0
            try feed(&builder, from: input, as: DedupedThreadReportFields.self, input: { m, bytes, _ in
                lineStart.append(position)
                position += bytes.count + 1
                messagePart.add(message: m.report)
                return ThreadInput(m.thread)
            }, emit: { _ in })
            lineStart.append(position)
        }
        matchFirstPass = nil
        matchMessagePart = (messagePart, input)
        return try builder.finish(keepingKeys: false) { inputs in
            var keys: [[String]] = []
            keys.reserveCapacity(inputs.count)
            try runDir.read(DedupedMatchFields.self, input,
                            lineRanges: inputs.map { lineStart[$0]..<lineStart[$0 + 1] }) { m in
                keys.append(insiders.externalKeys(m))
            }
            return keys
        }
    }
}
