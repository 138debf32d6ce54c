#if canImport(Glibc)
import Glibc
#endif
import MailroomCore

/// A message stored as a whole file (Maildir, .eml): reads its header section for dating.
enum MessageFile {
    /// How many files ahead of the one being read the sources open and ask the kernel to read (`OpenAhead`, which
    /// also bounds their bytes): files on a cold disk are otherwise read one small request at a time. With 64, a
    /// cold 100k Maildir run's extract thread still waited 0.58 s in all for pages not yet read; with 256, 0.10 s.
    static let readAheadFiles = 256

    /// Reads the header section of `file`, `size` bytes long, and hands `copy` to `found` with it. A `From `
    /// envelope line at the top is not passed to `found` (it is no header), and its date, when it has one, becomes
    /// the copy's fallback date. Returns the failure when the file cannot be read (the caller skips it), nil
    /// when it was read.
    /// With `keepingWhole`, a file of at most `HeaderSection.firstRead` bytes, which the header section's first
    /// read takes whole anyway, is kept whole in the copy (`FoundCopy.whole`) unless it starts with an envelope
    /// line or is not `size` bytes long any more.
    static func readHeader(_ file: ReadOnlyFile, size: Int, into buffer: inout [UInt8], copy: FoundCopy,
                           keepingWhole: Bool = false, found: FoundCopyHandler) throws -> FileError? {
        var copy = copy
        do {
            if keepingWhole, size <= HeaderSection.firstRead {
                // The one read the header section takes of such a file anyway, kept.
                var whole: [UInt8] = []
                try file.readBytes(into: &whole, count: size, at: 0)
                if whole.count == size, HeaderSection.envelopeLine(whole) == nil {
                    let end = HeaderSection.end(of: whole) ?? whole.count
                    buffer.removeAll(keepingCapacity: true)
                    buffer.append(contentsOf: whole[..<end])
                    copy.whole = whole
                }
            }
            if copy.whole == nil {
                try HeaderSection.read(file, offset: 0, length: size, into: &buffer)
                if let envelope = HeaderSection.envelopeLine(buffer) {
                    if let e = MboxFromLine.epochSeconds(envelope.line) { copy.fallbackEpoch = e }
                    try HeaderSection.read(file, offset: envelope.headersStart, length: size - envelope.headersStart,
                                           into: &buffer)
                }
            }
        } catch let e as FileError {
            return e
        }
        try buffer.withUnsafeBytes { try found(copy, $0) }
        return nil
    }
}
