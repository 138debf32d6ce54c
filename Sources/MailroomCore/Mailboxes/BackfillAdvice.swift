/// Whether a backfill is needed after a reconnect's sync, and for which window: the messages between the newest
/// one loaded before the mailbox went away and the start of what the sync read are the only ones that can be
/// missing. Pure.
public struct BackfillAdvice: Sendable, Equatable {
    /// Newest message loaded before (ISO 8601 UTC).
    public var from: String
    /// Where the sync's reach began: its window start (ISO 8601 UTC).
    public var to: String
    /// Oldest message the sync fetched, when it fetched any.
    public var oldestFetched: String?
    /// Days between the newest loaded message and the oldest fetched one (or the window start), rounded up.
    public var gapDays: Int
    /// The backfill that covers exactly the gap: `--as-of` the day before the sync's window, `--days` back to the
    /// newest loaded message's day.
    public var asOf: String
    public var days: Int

    /// nil when nothing can be missing: nothing was loaded before, or the sync reached back to the newest loaded
    /// message.
    public static func compute(newestLoadedBefore: String?, syncWindowStart: String, oldestFetched: String?) -> BackfillAdvice? {
        guard let before = newestLoadedBefore, let b = MailDate.parseISO(before),
              let start = MailDate.parseISO(syncWindowStart), b < start else { return nil }
        let gapEnd = oldestFetched.flatMap(MailDate.parseISO) ?? start
        let gapDays = Int((max(gapEnd - b, 0) + 86_399) / 86_400)
        let startDay = start / 86_400
        let asOfDay = startDay - 1
        let days = Int(asOfDay - b / 86_400 + 1)
        return BackfillAdvice(from: before, to: syncWindowStart, oldestFetched: oldestFetched, gapDays: gapDays,
                              asOf: String(MailDate.iso(asOfDay * 86_400).prefix(10)), days: max(days, 1))
    }
}
