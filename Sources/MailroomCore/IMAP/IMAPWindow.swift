/// A backfill window in epoch seconds: `start` inclusive, `end` exclusive. A message is in the window when its
/// INTERNALDATE is.
public struct IMAPWindow: Sendable, Equatable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The last `days` days before `now`.
    public init(days: Int, endingAt now: Int64) {
        self.init(start: now - Int64(days) * 86400, end: now)
    }

    public func contains(_ epoch: Int64) -> Bool { epoch >= start && epoch < end }
}

/// Messages and bytes a window holds, from a listing (no bodies fetched).
public struct IMAPListingCount: Sendable, Equatable {
    public var folder: String
    public var messages: Int
    public var bytes: Int

    public init(folder: String, messages: Int = 0, bytes: Int = 0) {
        self.folder = folder
        self.messages = messages
        self.bytes = bytes
    }
}
