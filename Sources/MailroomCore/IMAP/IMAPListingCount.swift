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
