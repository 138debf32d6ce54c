/// How fast a mail provider lets one account download over IMAP, for the backfill planner's time estimates.
/// Figures are either published limits (with their source) or stated assumptions; a plan shows which.
public struct ProviderLimits: Sendable, Equatable {
    public var name: String
    /// Bytes one account may download per day (a published daily cap, or an assumed sustained link speed × 86,400).
    public var bytesPerDay: Int
    /// Messages fetched per second, all connections together (an assumption: no provider publishes one).
    public var messagesPerSecond: Double
    /// Simultaneous IMAP connections one account may open.
    public var connections: Int
    /// Where the figures come from, for the plan's footnote.
    public var source: String

    public init(name: String, bytesPerDay: Int, messagesPerSecond: Double, connections: Int, source: String) {
        self.name = name
        self.bytesPerDay = bytesPerDay
        self.messagesPerSecond = messagesPerSecond
        self.connections = connections
        self.source = source
    }

    /// The daily allowance spread evenly over the day.
    public var bytesPerSecond: Double { Double(bytesPerDay) / 86_400 }

    /// Gmail and Google Workspace.
    /// - 2,500 MB/day: "Download via IMAP", Google Workspace Admin Help, "Gmail bandwidth limits" (per account,
    ///   all IMAP clients together; reaching it temporarily suspends IMAP access for the account).
    /// - 15 connections: Gmail Help, "too many simultaneous connections" (15 IMAP connections per account).
    /// - 25 messages/s: an assumption for pipelined UID FETCH of whole messages on one connection; Google publishes
    ///   no message rate, and the byte cap is what binds for any real mailbox.
    public static let gmail = ProviderLimits(
        name: "gmail", bytesPerDay: 2_500_000_000, messagesPerSecond: 25, connections: 15,
        source: "Gmail: 2,500 MB/day IMAP download and 15 connections per account (Google Workspace Admin Help, "
            + "Gmail bandwidth limits); 25 messages/s is an assumption")

    /// Outlook.com and Exchange Online (Microsoft 365).
    /// - 20 connections: "maximum concurrent IMAP connections" per mailbox (Microsoft's Exchange Online throttling
    ///   and limits FAQ, Exchange developer blog).
    /// - No daily byte cap is published; Exchange Online throttles by a per-user resource budget that recharges
    ///   every minute instead (same FAQ). 1 MB/s sustained (86.4 GB/day) and 10 messages/s are assumptions that leave room
    ///   for the throttling's micro-delays.
    public static let outlook = ProviderLimits(
        name: "outlook", bytesPerDay: 86_400_000_000, messagesPerSecond: 10, connections: 20,
        source: "Exchange Online: 20 IMAP connections per mailbox (Exchange Online throttling and limits FAQ); no daily cap is published, "
            + "1 MB/s and 10 messages/s are assumptions under its throttling budget")

    /// Any other IMAP server, or local mbox/Maildir copies: no published limits.
    /// - 2 MB/s sustained (172.8 GB/day) and 20 messages/s on one connection are conservative assumptions for a
    ///   server on the internet; 4 connections is a polite default many servers allow.
    public static let generic = ProviderLimits(
        name: "generic", bytesPerDay: 172_800_000_000, messagesPerSecond: 20, connections: 4,
        source: "generic IMAP: no published limits; 2 MB/s, 20 messages/s and 4 connections are assumptions")

    public static let presets: [ProviderLimits] = [.gmail, .outlook, .generic]

    /// A preset by name (`gmail`, `outlook`, `generic`), case-insensitive.
    public static func named(_ name: String) -> ProviderLimits? {
        presets.first { $0.name == name.lowercased() }
    }

    /// The preset for a pipeline's `provider:` setting.
    public static func preset(for provider: IMAPProvider) -> ProviderLimits {
        switch provider {
        case .gmail: return .gmail
        case .outlook: return .outlook
        case .generic: return .generic
        }
    }

    /// These limits, lowered to a pipeline's own throttle where it is stricter (0 in the throttle means none).
    public func applying(_ throttle: IMAPThrottle) -> ProviderLimits {
        var l = self
        if throttle.messagesPerSecond > 0 && throttle.messagesPerSecond < l.messagesPerSecond {
            l.messagesPerSecond = throttle.messagesPerSecond
            l.source += "; the pipeline's throttle caps messages/s"
        }
        if throttle.bytesPerDay > 0 && throttle.bytesPerDay < l.bytesPerDay {
            l.bytesPerDay = throttle.bytesPerDay
            l.source += "; the pipeline's throttle caps bytes/day"
        }
        if throttle.bytesPerSecond > 0 && throttle.bytesPerSecond * 86_400 < Double(l.bytesPerDay) {
            l.bytesPerDay = Int(throttle.bytesPerSecond * 86_400)
            l.source += "; the pipeline's throttle caps bytes/s"
        }
        return l
    }
}
