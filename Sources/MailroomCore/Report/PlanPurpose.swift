/// What a backfill is for, which sets the range of windows the planner chooses from (the practice Mailroom
/// encodes: start small, a second larger window only after review and cleanup).
public enum PlanPurpose: String, Sendable, CaseIterable {
    /// Taking over an account or a colleague's mail: 7–14 days.
    case handoff
    /// Active sales context: 30–60 days.
    case sales
    /// Active support context: 30–60 days.
    case support
    /// Historical review: 90–365 days.
    case history

    public var days: ClosedRange<Int> {
        switch self {
        case .handoff: return 7...14
        case .sales, .support: return 30...60
        case .history: return 90...365
        }
    }

    /// "a handoff (7–14 days)".
    public var label: String {
        let range = "\(days.lowerBound)–\(days.upperBound) days"
        switch self {
        case .handoff: return "a handoff (\(range))"
        case .sales: return "active sales (\(range))"
        case .support: return "active support (\(range))"
        case .history: return "a historical review (\(range))"
        }
    }
}

/// After a first load: what is still to do before a larger window (`mailroom plan` says so).
public struct PlanCleanup: Sendable, Equatable {
    /// Start of the newest load, sync or backfill that finished (ISO 8601), nil without one.
    public var lastLoad: String?
    /// A relink or contacts command finished after that load.
    public var cleanedSinceLoad: Bool
    /// Groups of contacts in the store that look like one person.
    public var duplicateGroups: Int
    /// External addresses with many messages no contact holds (not bulk-only), most messages first.
    public var unmatched: [UnmatchedAddress]
    /// How many messages make an unmatched address worth a look.
    public static let unmatchedMessages = 5
    /// The pipeline file as the person named it, for the commands shown.
    public var pipeline: String

    public init(pipeline: String, lastLoad: String?, cleanedSinceLoad: Bool, duplicateGroups: Int,
                unmatched: [UnmatchedAddress]) {
        self.pipeline = pipeline
        self.lastLoad = lastLoad
        self.cleanedSinceLoad = cleanedSinceLoad
        self.duplicateGroups = duplicateGroups
        self.unmatched = unmatched
    }

    /// A load exists and no relink or contacts command followed it. Duplicate groups or unmatched addresses left
    /// after a cleanup do not keep it pending: two contacts sharing an address may be two people, a busy address
    /// may be nobody's; the person looked and chose (`lines()` still names what is left).
    public var pending: Bool {
        lastLoad != nil && !cleanedSinceLoad
    }

    /// The lines `mailroom plan` prints (empty before any load).
    public func lines() -> [String] {
        guard let lastLoad else { return [] }
        let q = ShellQuote.word(pipeline)
        guard pending else {
            var out = ["Cleanup: done since the last load (\(lastLoad)): a larger window can follow."]
            if duplicateGroups > 0 || !unmatched.isEmpty {
                var left: [String] = []
                if duplicateGroups > 0 {
                    left.append("\(duplicateGroups) duplicate contact group\(duplicateGroups == 1 ? "" : "s")")
                }
                if !unmatched.isEmpty {
                    left.append("\(unmatched.count) unmatched address\(unmatched.count == 1 ? "" : "es") with "
                        + "\(Self.unmatchedMessages) or more messages")
                }
                out.append("  Still in the store, if not meant: \(left.joined(separator: ", ")) "
                    + "(`mailroom review \(q)` lists them).")
            }
            return out
        }
        var out = ["Before a larger window: the store has a load (\(lastLoad)); review and clean up first:"]
        if !cleanedSinceLoad {
            out.append("  - no relink or contacts change since that load: check it with `mailroom review \(q)`")
        }
        if duplicateGroups > 0 {
            out.append("  - \(duplicateGroups) duplicate contact group\(duplicateGroups == 1 ? "" : "s") in the store: "
                + "`mailroom contacts duplicates \(q)`, then merge")
        }
        if !unmatched.isEmpty {
            let shown = unmatched.prefix(5).map { "\($0.address) (\($0.messages))" }.joined(separator: ", ")
            out.append("  - \(unmatched.count) unmatched address\(unmatched.count == 1 ? "" : "es") with "
                + "\(Self.unmatchedMessages) or more messages: \(shown)\(unmatched.count > 5 ? ", …" : "")")
        }
        out.append("  then `mailroom relink \(q)` and plan again.")
        return out
    }
}
