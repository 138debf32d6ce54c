extension ReportBuilder {
    /// What the report takes from match's files (threads, links, unmatched addresses). Match collects it as it
    /// writes them, so that a run that reports right after its match (`run --dry-run`) does not read the three
    /// files back; `ReportBuilder` reading the files collects it the same way.
    public struct MatchPart: Sendable {
        var threads = DryRunReport.Threads()
        var spotChecks: [DryRunReport.SpotCheck] = []
        var matchedContacts: Set<String> = []
        var ambiguous: Set<String> = []
        var unmatchedAddresses: [UnmatchedAddress] = []

        public init() {}

        public mutating func add(thread t: ThreadRecord) {
            threads.total += 1
            switch t.classification {
            case .matched:
                threads.matched += 1
                for c in t.contacts { matchedContacts.insert(c.contactId) }
                let check = DryRunReport.SpotCheck(threadId: t.threadId, subject: t.subject,
                                                   contacts: Array(Set(t.contacts.map(\.contactId))).sorted(),
                                                   external: t.external, messages: t.messageKeys.count, lastDate: t.lastDate)
                spotChecks.append(check)
                spotChecks.sort { ($0.lastDate ?? "", $1.threadId) > ($1.lastDate ?? "", $0.threadId) }
                if spotChecks.count > ReportBuilder.maxSpotChecks { spotChecks.removeLast() }
            case .unmatched: threads.unmatched += 1
            case .internalOnly: threads.internalOnly += 1
            }
        }

        public mutating func add(link l: ParticipantLink) {
            if !l.ambiguous.isEmpty { ambiguous.insert(l.address) }
        }

        public mutating func add(link l: LinkReportFields) {
            if !l.ambiguous.isEmpty { ambiguous.insert(l.address) }
        }

        /// Unmatched addresses arrive in their file's order (most messages first): the first ones are kept.
        public mutating func add(unmatched u: UnmatchedAddress) {
            if unmatchedAddresses.count < ReportBuilder.maxUnmatched { unmatchedAddresses.append(u) }
        }
    }
}
