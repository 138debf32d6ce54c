/// What one read of a folder saw, for `IMAPCursorDecision.decide`: the facts a cursor may rest on.
public struct IMAPFolderRead: Sendable, Equatable {
    /// The stored cursor's highest UID when it was taken under the folder's current UIDVALIDITY; nil when there
    /// is none (first read) or the folder was renumbered.
    public var previous: UInt64?
    /// The folder's newest UID as the server reported it (UIDNEXT − 1, or the highest UID it listed).
    public var serverHighest: UInt64
    /// Every UID the server holds above `previous` (nil when there is no `previous`).
    public var above: [UInt64]?
    /// UIDs whose copy this run holds: fetched, resumed from the checkpoint, or reused (Gmail label copies).
    public var loaded: Set<UInt64>
    /// The first UID left out because it is newer than the window's end (a window ending in the past).
    public var firstTooNew: UInt64?
    /// UIDs requested and never delivered by the server, after the retries.
    public var missing: [UInt64]

    public init(previous: UInt64?, serverHighest: UInt64, above: [UInt64]? = nil, loaded: Set<UInt64> = [],
                firstTooNew: UInt64? = nil, missing: [UInt64] = []) {
        self.previous = previous
        self.serverHighest = serverHighest
        self.above = above
        self.loaded = loaded
        self.firstTooNew = firstTooNew
        self.missing = missing
    }
}

/// The cursor to store for a folder after a backfill, sync or reconnect, and why.
///
/// The rule: the cursor is the highest UID below which every UID was either loaded or deliberately left out of a
/// window that reached back to the previous cursor. So it stops
/// - below the first UID the server did not deliver (`belowMissing`: a rerun fetches it),
/// - below the first UID above the previous cursor that the window left out as too old (`keptBelowGap`: the
///   window did not reach back to the previous cursor; the next sync fetches the gap),
/// - below the first UID newer than the window's end (`belowNewer`).
/// It never moves back below the previous cursor (same UIDVALIDITY).
public struct IMAPCursorDecision: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Everything up to the folder's newest UID is loaded (or left out by a window with no earlier cursor).
        case advanced
        /// Stopped below the first UID newer than the window's end.
        case belowNewer(first: UInt64)
        /// Stopped below UIDs above the previous cursor that the window left out as older than its start.
        case keptBelowGap(first: UInt64, count: Int)
        /// Stopped below the first UID the server did not deliver.
        case belowMissing(first: UInt64, uids: [UInt64])
    }

    public var highestUID: UInt64
    public var outcome: Outcome

    public init(highestUID: UInt64, outcome: Outcome) {
        self.highestUID = highestUID
        self.outcome = outcome
    }

    public static func decide(_ r: IMAPFolderRead) -> IMAPCursorDecision {
        var limit = r.serverHighest
        var outcome = Outcome.advanced
        func below(_ uid: UInt64) -> UInt64 { uid > 0 ? uid - 1 : 0 }  // UID 0 is malformed, not a trap
        if let t = r.firstTooNew, below(t) < limit {
            limit = below(t)
            outcome = .belowNewer(first: t)
        }
        let missing = Array(Set(r.missing)).sorted()
        if let prev = r.previous, let above = r.above {
            let missingSet = Set(missing)
            // Left out of the window as too old (too-new UIDs are already below `firstTooNew`'s limit).
            let gap = above.filter {
                $0 > prev && !r.loaded.contains($0) && !missingSet.contains($0) && $0 < (r.firstTooNew ?? .max)
            }.sorted()
            if let g = gap.first, below(g) <= limit {
                limit = below(g)
                outcome = .keptBelowGap(first: g, count: gap.count)
            }
        }
        if let m = missing.first, below(m) <= limit {
            limit = below(m)
            outcome = .belowMissing(first: m, uids: missing)
        }
        if let prev = r.previous, prev > limit { limit = prev }
        return IMAPCursorDecision(highestUID: limit, outcome: outcome)
    }

    /// The UIDs not delivered (empty unless `belowMissing`).
    public var missing: [UInt64] {
        if case .belowMissing(_, let uids) = outcome { return uids }
        return []
    }

    /// One line for the run log when the cursor was held back for mail not loaded (nil otherwise).
    public func note(folder: String, serverHighest: UInt64, retries: Int) -> String? {
        switch outcome {
        case .advanced, .belowNewer:
            return nil
        case .keptBelowGap(let first, let count):
            return "folder \"\(folder)\": cursor kept at UID \(highestUID), not moved to \(serverHighest): \(count) message\(count == 1 ? "" : "s") above it (from UID \(first)) are older than the window and were not fetched; the next `mailroom sync` fetches them"
        case .belowMissing(let first, let uids):
            let them = uids.count == 1 ? "it" : "them"
            let said = "folder \"\(folder)\": the server did not deliver UID\(uids.count == 1 ? "" : "s") \(IMAPCursorDecision.list(uids)) after \(retries) retr\(retries == 1 ? "y" : "ies")"
            guard first <= highestUID else { return said + "; cursor kept at UID \(highestUID) so the next run fetches \(them)" }
            // Below a cursor an earlier run stored (a backfill reaching back past it): a sync starts above it.
            return said + "; the cursor stays at UID \(highestUID) from an earlier run, above UID \(first), so `mailroom sync` does not fetch \(them): run this command again"
        }
    }

    /// `5, 9, 12` (the first 20, then "and N more").
    public static func list(_ uids: [UInt64]) -> String {
        let shown = uids.prefix(20).map(String.init).joined(separator: ", ")
        return uids.count > 20 ? shown + " and \(uids.count - 20) more" : shown
    }
}
