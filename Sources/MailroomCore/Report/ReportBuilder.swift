/// Accumulates the dry-run report from the stages' records, one record at a time (nothing is kept but counts
/// and a few bounded lists).
public struct ReportBuilder: Sendable {
    public static let maxUnmatched = 25
    public static let maxQuarantinedListed = 50
    public static let maxSpotChecks = 5

    private var report: DryRunReport
    private var perDay: [String: (sent: Int, received: Int)] = [:]
    private var ambiguous: Set<String> = []
    private var matchedContacts: Set<String> = []

    public init(run: DryRunReport.RunInfo) { report = DryRunReport(run: run) }

    public mutating func setExtract(found: Int, extracted: Int, outsideWindow: Int, undated: Int,
                                    leftOut: [LeftOutReason: Int] = [:]) {
        report.messages.leftOut = leftOut.filter { $0.value > 0 }
        report.messages.found = found
        report.messages.extracted = extracted
        report.messages.outsideWindow = outsideWindow
        report.messages.undated = undated
    }

    public mutating func add(quarantine q: QuarantineRecord) {
        report.messages.quarantined += 1
        report.quarantineByReason[q.reason.rawValue, default: 0] += 1
        if report.quarantined.count < Self.maxQuarantinedListed { report.quarantined.append(q) }
    }

    public mutating func add(duplicate d: DroppedCopy) {
        report.messages.duplicates += 1
        if d.reason == MessageDeduplicator.listOrTransportCopy { report.messages.mergedCopies += 1 }
        report.duplicatesByReason[d.reason, default: 0] += 1
    }

    public mutating func add(message d: DedupedMessage) { add(message: DedupedReportFields(d)) }

    /// Counts one message identity from the few fields the report reads (see `DedupedReportFields`).
    public mutating func add(message m: DedupedReportFields) {
        report.messages.unique += 1
        switch m.direction {
        case .sent: report.messages.sent += 1
        case .received: report.messages.received += 1
        }
        if !m.bulk.isEmpty {
            report.messages.bulk += 1
            for r in m.bulk { report.bulkByReason[r, default: 0] += 1 }
        }
        for i in m.issues { report.issues[i, default: 0] += 1 }
        for c in m.copies { report.folders[c.mailbox + "/" + c.folder, default: 0] += 1 }
        if let date = m.date, date.count >= 10 {
            let day = String(date.prefix(10))
            var e = perDay[day] ?? (0, 0)
            if m.direction == .sent { e.sent += 1 } else { e.received += 1 }
            perDay[day] = e
        }
    }

    public mutating func add(contacts: [Contact], groups: [ContactGroup]) {
        add(contacts: contacts.map(ContactReportFields.init), groups: groups)
    }

    public mutating func add(contacts: [ContactReportFields], groups: [ContactGroup]) {
        report.contacts.total = contacts.count
        report.contacts.withoutAddress = contacts.filter { !$0.hasAddress }.count
        report.contacts.duplicateGroups = groups
    }

    public mutating func add(thread t: ThreadRecord) {
        report.threads.total += 1
        switch t.classification {
        case .matched:
            report.threads.matched += 1
            for c in t.contacts { matchedContacts.insert(c.contactId) }
            let check = DryRunReport.SpotCheck(threadId: t.threadId, subject: t.subject,
                                               contacts: Array(Set(t.contacts.map(\.contactId))).sorted(),
                                               external: t.external, messages: t.messageKeys.count, lastDate: t.lastDate)
            report.spotChecks.append(check)
            report.spotChecks.sort { ($0.lastDate ?? "", $1.threadId) > ($1.lastDate ?? "", $0.threadId) }
            if report.spotChecks.count > Self.maxSpotChecks { report.spotChecks.removeLast() }
        case .unmatched: report.threads.unmatched += 1
        case .internalOnly: report.threads.internalOnly += 1
        }
    }

    public mutating func add(link l: ParticipantLink) {
        add(link: LinkReportFields(address: l.address, ambiguous: l.ambiguous))
    }

    public mutating func add(link l: LinkReportFields) {
        if !l.ambiguous.isEmpty { ambiguous.insert(l.address) }
    }

    /// Unmatched addresses arrive in their file's order (most messages first): the first ones are kept.
    public mutating func add(unmatched u: UnmatchedAddress) {
        if report.unmatchedAddresses.count < Self.maxUnmatched { report.unmatchedAddresses.append(u) }
    }

    public func finish() -> DryRunReport {
        var r = report
        r.contacts.matched = matchedContacts.count
        r.ambiguousAddresses = ambiguous.sorted()
        r.perDay = perDay.keys.sorted().map { DryRunReport.DayCount(day: $0, sent: perDay[$0]!.sent, received: perDay[$0]!.received) }
        return r
    }
}
