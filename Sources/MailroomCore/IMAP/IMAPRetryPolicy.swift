/// Bounded retries with exponential backoff: attempt 1 waits `baseDelay`, each next one twice as long, never
/// more than `maxDelay` (seconds). Deterministic (no jitter) so runs and tests repeat.
public struct IMAPRetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxRetries: Int = 5, baseDelay: Double = 1, maxDelay: Double = 60) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait before retry number `attempt` (1-based); nil when no retry is left.
    public func delay(beforeRetry attempt: Int) -> Double? {
        guard attempt >= 1, attempt <= maxRetries else { return nil }
        var d = baseDelay
        for _ in 1..<attempt { d *= 2; if d >= maxDelay { return maxDelay } }
        return min(d, maxDelay)
    }
}

/// Messages-per-second and bytes-per-second limits: after `messages` messages and `bytes` bytes in `elapsed`
/// seconds, how long to pause so neither rate is exceeded. 0 means no limit.
public struct IMAPRateLimit: Sendable, Equatable {
    public var messagesPerSecond: Double
    public var bytesPerSecond: Double
    /// A daily download allowance (0: none), as `IMAPThrottle.bytesPerDay`.
    public var bytesPerDay: Int

    public init(messagesPerSecond: Double = 0, bytesPerSecond: Double = 0, bytesPerDay: Int = 0) {
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.bytesPerDay = bytesPerDay
    }

    public init(_ t: IMAPThrottle) {
        self.init(messagesPerSecond: t.messagesPerSecond, bytesPerSecond: t.bytesPerSecond, bytesPerDay: t.bytesPerDay)
    }

    /// Seconds to wait before fetching `next` more bytes after `fetched` bytes in `elapsed` seconds, so that day
    /// k of the run (k = 0, 1, ... counted from its start) never ends with more than (k + 1) × `bytesPerDay` fetched:
    /// full speed while the day's allowance lasts, then a wait for the next day. Gmail counts a rolling day, so a
    /// run that keeps within this keeps within Gmail's limit when it is the account's only IMAP client. 0 when
    /// there is no allowance, or when even a whole day's allowance cannot hold `next` and nothing was fetched in
    /// the current day yet (a message larger than the allowance still gets fetched, one per day).
    public func dailyWait(fetched: Int, next: Int, elapsed: Double) -> Double {
        guard bytesPerDay > 0, next > 0 else { return 0 }
        let day = 86_400.0
        // The first day whose allowance holds everything up to the end of `next` (saturating: sizes are the
        // server's word).
        var needDay = IMAPListingCount.adding(max(0, fetched), next - 1) / bytesPerDay
        // A batch larger than one day's allowance: it may start the day after the one `fetched` ends in.
        if next > bytesPerDay { needDay = fetched / bytesPerDay + (fetched % bytesPerDay == 0 ? 0 : 1) }
        return max(0, Double(needDay) * day - elapsed)
    }

    public func pause(messages: Int, bytes: Int, elapsed: Double) -> Double {
        var needed = 0.0
        if messagesPerSecond > 0 { needed = max(needed, Double(messages) / messagesPerSecond) }
        if bytesPerSecond > 0 { needed = max(needed, Double(bytes) / bytesPerSecond) }
        return max(0, needed - elapsed)
    }

    /// Largest batch of messages that keeps one batch within about a second of the message limit.
    public func batchSize(default d: Int) -> Int {
        guard messagesPerSecond > 0 else { return d }
        return max(1, min(d, Int(messagesPerSecond.rounded(.up))))
    }
}
