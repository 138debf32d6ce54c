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

    public init(messagesPerSecond: Double = 0, bytesPerSecond: Double = 0) {
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
    }

    public init(_ t: IMAPThrottle) {
        self.init(messagesPerSecond: t.messagesPerSecond, bytesPerSecond: t.bytesPerSecond)
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
