/// Accumulates the dry-run report from the stages' records, one record at a time (nothing is kept but counts
/// and a few bounded lists).
public struct ReportBuilder: Sendable {
    public static let maxUnmatched = 25
    public static let maxQuarantinedListed = 50
    public static let maxSpotChecks = 5

    private var report: DryRunReport
    private var messages = MessagePart()
    private var match = MatchPart()

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
    public mutating func add(message m: DedupedReportFields) { messages.add(message: m) }

    /// The message identities' part collected as match's first pass read them: it replaces what `add(message:)`
    /// counted (nothing, in a report built so).
    public mutating func take(messagePart: MessagePart) { messages = messagePart }

    public mutating func add(contacts: [Contact], groups: [ContactGroup]) {
        add(contacts: contacts.map(ContactReportFields.init), groups: groups)
    }

    public mutating func add(contacts: [ContactReportFields], groups: [ContactGroup]) {
        report.contacts.total = contacts.count
        report.contacts.withoutAddress = contacts.filter { !$0.hasAddress }.count
        report.contacts.duplicateGroups = groups
    }

    public mutating func add(thread t: ThreadRecord) { match.add(thread: t) }

    public mutating func add(link l: ParticipantLink) { match.add(link: l) }

    public mutating func add(link l: LinkReportFields) { match.add(link: l) }

    public mutating func add(unmatched u: UnmatchedAddress) { match.add(unmatched: u) }

    /// Match's part collected as match wrote its files, instead of adding their records here.
    public mutating func add(matchPart: MatchPart) { match = matchPart }

    public func finish() -> DryRunReport {
        var r = report
        r.messages.unique = messages.unique
        r.messages.sent = messages.sent
        r.messages.received = messages.received
        r.messages.bulk = messages.bulk
        r.bulkByReason = messages.bulkByReason
        r.issues = messages.issues
        r.folders = messages.folders
        let perDay = messages.perDay
        r.threads = match.threads
        r.spotChecks = match.spotChecks
        r.unmatchedAddresses = match.unmatchedAddresses
        r.contacts.matched = match.matchedContacts.count
        r.ambiguousAddresses = match.ambiguous.sorted()
        r.perDay = perDay.keys.sorted().map { DryRunReport.DayCount(day: $0, sent: perDay[$0]!.sent, received: perDay[$0]!.received) }
        return r
    }
}
