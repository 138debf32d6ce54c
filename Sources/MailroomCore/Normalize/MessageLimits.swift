/// Size limits that keep one hostile or broken message from stalling a run. Defaults are generous for real mail.
public struct MessageLimits: Sendable, Equatable {
    /// Larger copies are quarantined (`too-large`) without being parsed. Default 64 MiB.
    public var maxMessageBytes = 64 << 20
    /// Header section bytes parsed per entity; the rest is skipped with issue `header-limit`. Default 512 KiB.
    public var maxHeaderBytes = 512 << 10
    /// Header fields kept per entity; the rest are skipped with issue `header-limit`. Default 1000.
    public var maxHeaderFields = 1000
    /// Multipart nesting followed; deeper parts are not walked (issue `mime-depth-limit`). Default 20.
    public var maxMIMEDepth = 20
    /// MIME entities walked per message; the rest are not walked (issue `part-limit`). Default 500.
    public var maxParts = 500

    public init() {}
}

/// What the normalize stage needs to know about the mailbox a copy came from.
public struct NormalizeSettings: Sendable {
    /// `Address.key` values of the mailbox's own addresses: mail from them is `sent`.
    public var owner: Set<String>
    /// The organisation's domains, lower-case ASCII.
    public var ownDomains: [String]
    public var limits: MessageLimits

    public init(owner: Set<String>, ownDomains: [String], limits: MessageLimits = MessageLimits()) {
        self.owner = owner
        self.ownDomains = ownDomains
        self.limits = limits
    }
}

/// A copy either normalizes (possibly with issues) or is quarantined with a reason.
public enum NormalizeOutcome: Sendable {
    case message(NormalizedMessage)
    case quarantined(QuarantineRecord)
}
