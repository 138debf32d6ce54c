/// A mailbox's lifecycle state as the store records it (one row of `mailboxes`).
public struct MailboxStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Sync and sending allowed.
        case connected
        /// Sync and sending stopped by `mailroom mailbox disconnect`; loaded mail kept.
        case disconnected
    }

    public var name: String
    public var state: State
    /// When the state last changed (ISO 8601 UTC); nil for a mailbox never disconnected.
    public var changedAt: String?
    /// Why, as given to `disconnect` or written by `reconnect`.
    public var reason: String?
    /// Where the secret comes from (`env:NAME`, `file:PATH`), never the secret; nil once disconnected.
    public var credentialsRef: String?
    /// Reconnected, and no sync has succeeded since: a backfill now warns.
    public var syncPending: Bool

    public init(name: String, state: State = .connected, changedAt: String? = nil, reason: String? = nil,
                credentialsRef: String? = nil, syncPending: Bool = false) {
        self.name = name
        self.state = state
        self.changedAt = changedAt
        self.reason = reason
        self.credentialsRef = credentialsRef
        self.syncPending = syncPending
    }
}
