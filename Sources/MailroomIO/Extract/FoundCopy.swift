import MailroomCore

/// A message copy a file source found, before the extractor dates it and applies the window.
struct FoundCopy {
    var copyId: String
    var folder: String
    var locator: Locator
    var flags: [String] = []
    /// The date the source itself records (mbox From_ line, Maildir unique name, an envelope line at the top of
    /// a file), used when the message has no readable Date header.
    var fallbackEpoch: Int64?
    /// Set by the source when it knows the copy is not correspondence by other means than its folder and
    /// flags (a Gmail Takeout Spam, Trash or Drafts label, Thunderbird's expunged mark).
    var leftOut: LeftOutReason?
    /// The whole message's bytes, when the source read them all to find its header section (a small file) and
    /// was asked to keep them (`MessageFile.readHeader`'s `keepingWhole`): normalize, in the same process, then
    /// does not read the file again.
    var whole: [UInt8]?
}

/// How the file sources hand a found copy to the extractor: the copy and its header section.
typealias FoundCopyHandler = (FoundCopy, UnsafeRawBufferPointer) throws -> Void
