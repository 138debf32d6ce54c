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

extension IMAPListingCount {
    /// `a + b` saturating at `Int.max`: sizes come from the server, which may announce anything up to 2^63 - 1.
    public static func adding(_ a: Int, _ b: Int) -> Int {
        let (sum, over) = a.addingReportingOverflow(b)
        return over ? Int.max : sum
    }

    /// The bytes of `folders` together, saturating.
    public static func totalBytes(_ folders: [IMAPListingCount]) -> Int {
        folders.reduce(0) { adding($0, $1.bytes) }
    }
}
