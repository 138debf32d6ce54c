import Foundation
import MailroomCore

extension IMAPExtractor {
    /// The bytes a copy's locator points at (below this extractor's raw directory).
    public func bytes(of copy: MessageCopy) throws -> [UInt8] {
        try IMAPExtractor.bytes(of: copy.locator, rawDirectory: rawDirectory)
    }

    /// The bytes of `locator` below `<runDir>/extract/raw/<mailbox>/`.
    public static func bytes(of locator: Locator, rawDirectory: String) throws -> [UInt8] {
        let path = rawDirectory + "/" + locator.file
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw MailroomError(.input, "the raw IMAP file is missing", location: path)
        }
        defer { try? h.close() }
        try h.seek(toOffset: UInt64(locator.offset))
        let data = try h.read(upToCount: locator.length) ?? Data()
        guard data.count == locator.length else {
            throw MailroomError(.input, "the raw IMAP file is shorter than its locator says (offset \(locator.offset), length \(locator.length))",
                                location: path)
        }
        return [UInt8](data)
    }

    /// Identities (Message-ID, content hash, date, sender) of copies, by folder: what the store keeps beside the
    /// cursors so a later UIDVALIDITY change can be resolved.
    public func knownMessages(_ copies: [MessageCopy]) throws -> [String: [IMAPKnownMessage]] {
        var out: [String: [IMAPKnownMessage]] = [:]
        for c in copies where c.tooLarge == nil {  // a message left on the server has no bytes here
            out[c.folder, default: []].append(IMAPKnownMessage(bytes: try bytes(of: c)))
        }
        return out
    }
}
