/// One message as the backfill planner sees it: from a dry run over the widest window, or from an IMAP listing
/// (INTERNALDATE, RFC822.SIZE, a thread id and whether a contact is in it).
public struct PlanMessage: Sendable, Equatable {
    /// Epoch seconds (UTC); nil when the message has no readable date.
    public var date: Int64?
    public var bytes: Int
    public var threadId: String
    /// A contact takes part in the message's thread.
    public var matched: Bool
    /// The message's thread has external participants but no contact (noise a larger window brings).
    public var unmatched: Bool
    /// Bulk or automated mail (newsletters, notifications).
    public var bulk: Bool

    public init(date: Int64?, bytes: Int, threadId: String, matched: Bool, unmatched: Bool = false, bulk: Bool = false) {
        self.date = date
        self.bytes = bytes
        self.threadId = threadId
        self.matched = matched
        self.unmatched = unmatched
        self.bulk = bulk
    }
}

/// What each backfill window would bring and cost, and which window to choose. `mailroom plan` prints it;
/// schema `mailroom.plan/1`. Pure: the caller gives the messages and the window end.
public struct BackfillPlan: Sendable, Equatable {
    public static let schema = "mailroom.plan/1"
    public static let defaultWindows = [7, 14, 30, 60, 90, 365]
    /// Share of the reference window's matched threads the suggested window must hold, in percent.
    public static let coveragePercent = 90
    /// Windows this long or longer reach years back and are warned about.
    public static let yearsBackDays = 365

    public struct Window: Sendable, Equatable {
        public var days: Int
        public var messages: Int
        public var bytes: Int
        public var threads: Int
        /// Threads with a contact in them that have a message in the window.
        public var matchedThreads: Int
        /// Threads with external participants but no contact that have a message in the window.
        public var unmatchedThreads = 0
        /// Bulk or automated messages in the window.
        public var bulkMessages = 0
        /// max(bytes / the provider's bandwidth, messages / its message rate), rounded up to whole seconds.
        public var estimatedSeconds: Int
        public var reachesYearsBack: Bool
        /// The same estimate at each provider preset's limits (`ProviderLimits.presets`, in that order; the plan's
        /// own provider with the pipeline's throttle applied), so providers can be compared.
        public var secondsByProvider: [Int] = []
    }

    public struct Suggestion: Sendable, Equatable {
        public var days: Int
        public var referenceDays: Int
        public var referenceMatchedThreads: Int
        /// ⌈coverage × reference matched threads⌉.
        public var targetMatchedThreads: Int
        public var matchedThreads: Int
        /// The rule, in a sentence, with this plan's figures.
        public var rule: String
        public var purpose: PlanPurpose = .handoff
    }

    /// Epoch second the windows end at (exclusive): a window of d days is [asOf − d·86,400, asOf).
    public var asOf: Int64
    public var limits: ProviderLimits
    /// Shortest first.
    public var windows: [Window]
    public var suggestion: Suggestion?
    public var warnings: [String]
    /// Messages without a date: in no window's figures (a dry run keeps them whatever the window).
    public var undated: Int
    /// Messages dated at or after `asOf`: in no window's figures.
    public var afterWindowEnd: Int
    public var purpose: PlanPurpose = .handoff
    /// After a load: review and cleanup still to do before a larger window (nil without a store).
    public var cleanup: PlanCleanup?

    /// The windows longer than the suggested one, each with what it adds to it (its figures minus the suggested
    /// window's): threads with contacts, unmatched threads, bulk messages, messages, bytes and time.
    public var additions: [Window] {
        guard let s = suggestion, let base = windows.first(where: { $0.days == s.days }) else { return [] }
        return windows.filter { $0.days > s.days }.map { w in
            var d = w
            d.messages -= base.messages
            d.bytes -= base.bytes
            d.threads -= base.threads
            d.matchedThreads -= base.matchedThreads
            d.unmatchedThreads -= base.unmatchedThreads
            d.bulkMessages -= base.bulkMessages
            d.estimatedSeconds -= base.estimatedSeconds
            d.secondsByProvider = zip(w.secondsByProvider, base.secondsByProvider).map { $0 - $1 }
            return d
        }
    }

    /// - Parameter purpose: the suggestion is the smallest planned window in the purpose's range that holds at
    ///   least `coveragePercent` of the threads with contacts active over the range's longest planned window.
    public static func make(messages: [PlanMessage], asOf: Int64, windows: [Int] = defaultWindows,
                            limits: ProviderLimits, purpose: PlanPurpose = .handoff) -> BackfillPlan {
        let spans = Array(Set(windows.filter { $0 > 0 })).sorted()
        var counts = spans.map { Window(days: $0, messages: 0, bytes: 0, threads: 0, matchedThreads: 0, estimatedSeconds: 0,
                                        reachesYearsBack: $0 >= yearsBackDays) }
        var undated = 0, after = 0
        // Per thread: the age of its newest message, and of its newest message in a matched thread.
        var newest: [String: (age: Int64, matchedAge: Int64?, unmatched: Bool)] = [:]
        for m in messages {
            guard let date = m.date else { undated += 1; continue }
            guard date < asOf else { after += 1; continue }
            let age = asOf - date
            for i in counts.indices where age <= Int64(counts[i].days) * 86_400 {
                counts[i].messages += 1
                counts[i].bytes += max(m.bytes, 0)
                if m.bulk { counts[i].bulkMessages += 1 }
            }
            var t = newest[m.threadId] ?? (age, nil, m.unmatched)
            t.age = min(t.age, age)
            if m.matched { t.matchedAge = min(t.matchedAge ?? age, age) }
            newest[m.threadId] = t
        }
        for t in newest.values {
            for i in counts.indices {
                let limit = Int64(counts[i].days) * 86_400
                if t.age <= limit { counts[i].threads += 1 }
                if t.age <= limit && t.unmatched { counts[i].unmatchedThreads += 1 }
                if let a = t.matchedAge, a <= limit { counts[i].matchedThreads += 1 }
            }
        }
        let each = ProviderLimits.presets.map { $0.name == limits.name ? limits : $0 }
        for i in counts.indices {
            counts[i].estimatedSeconds = estimate(counts[i], limits)
            counts[i].secondsByProvider = each.map { estimate(counts[i], $0) }
        }
        var plan = BackfillPlan(asOf: asOf, limits: limits, windows: counts,
                                suggestion: suggest(counts, purpose: purpose), warnings: [],
                                undated: undated, afterWindowEnd: after, purpose: purpose)
        plan.warnings = plan.makeWarnings()
        return plan
    }

    /// max(bytes / the daily allowance, messages / the message rate), rounded up to whole seconds.
    static func estimate(_ w: Window, _ limits: ProviderLimits) -> Int {
        let byBytes = Double(w.bytes) * 86_400 / Double(max(limits.bytesPerDay, 1))
        let byMessages = Double(w.messages) / max(limits.messagesPerSecond, 0.001)
        return Int(max(byBytes, byMessages).rounded(.up))
    }

    /// The smallest planned window in the purpose's range holding at least `coveragePercent` of the threads with
    /// contacts active in the range's longest planned window (the reference). When no planned window is in the
    /// range, the smallest planned window past its start is the only candidate (else the longest planned).
    static func suggest(_ windows: [Window], purpose: PlanPurpose) -> Suggestion? {
        guard !windows.isEmpty else { return nil }
        var candidates = windows.filter { purpose.days.contains($0.days) }
        if candidates.isEmpty {
            candidates = [windows.first { $0.days >= purpose.days.lowerBound } ?? windows[windows.count - 1]]
        }
        let reference = candidates[candidates.count - 1]
        let target = (reference.matchedThreads * coveragePercent + 99) / 100
        let range = "for \(purpose.label)"
        guard reference.matchedThreads > 0 else {
            let smallest = candidates[0]
            return Suggestion(days: smallest.days, referenceDays: reference.days, referenceMatchedThreads: 0,
                              targetMatchedThreads: 0, matchedThreads: smallest.matchedThreads,
                              rule: "\(range), no thread of the last \(reference.days) days has a contact in it, so the "
                                  + "smallest window is enough to start with", purpose: purpose)
        }
        let pick = candidates.first { $0.matchedThreads >= target } ?? reference
        return Suggestion(days: pick.days, referenceDays: reference.days, referenceMatchedThreads: reference.matchedThreads,
                          targetMatchedThreads: target, matchedThreads: pick.matchedThreads,
                          rule: "\(range), the smallest window holding at least \(coveragePercent)% of the threads with "
                              + "contacts active in the last \(reference.days) days (\(NumberText.grouped(pick.matchedThreads)) "
                              + "of \(NumberText.grouped(reference.matchedThreads)))", purpose: purpose)
    }

    func makeWarnings() -> [String] {
        var out: [String] = []
        for w in windows where w.reachesYearsBack {
            out.append("The \(w.days)-day window reaches \(w.days >= 2 * Self.yearsBackDays ? "years" : "a year") back: "
                + "\(NumberText.grouped(w.messages)) messages, \(NumberText.bytes(Int64(w.bytes))), about "
                + "\(NumberText.duration(seconds: Double(w.estimatedSeconds))) at \(limits.name) limits. Old threads are "
                + "seldom active; load it only if the team needs that history.")
        }
        if let s = suggestion, let w = windows.first(where: { $0.days == s.days }), w.estimatedSeconds > 86_400 {
            out.append("Even the suggested \(w.days)-day window takes more than a day at \(limits.name) limits: "
                + "plan the backfill over several days.")
        }
        return out
    }
}
