import Foundation
import MailroomCore

/// Gives a copy's message bytes back from its `Locator` (used by normalize). Keeps the last file open, so
/// reading the copies of one mbox in order opens it once. Not thread-safe: one reader per task.
public final class MessageBytesReader {
    private let rootPath: String
    private var rootIsFile: Bool?
    private var openFile: (name: String, file: ReadOnlyFile)?
    private var buffer: [UInt8] = []

    public init(root: URL) {
        rootPath = root.path
    }

    /// The copy's message bytes (mbox: without the From_ line and with From-quoting undone as the format
    /// requires). Throws `MailroomError(.input)` when the file cannot be read or is shorter than the locator says
    /// (the mailbox changed since extract). With `identity` (an mbox copy's, `MboxCopyIdentity.digest(copyId:)`),
    /// bytes that are another message also throw: the file was compacted or rewritten since extract.
    public func withBytes<T>(_ locator: Locator, identity: UInt64? = nil,
                             _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let file = try self.file(locator.file)
        do {
            try file.readBytes(into: &buffer, count: locator.length, at: locator.offset)
        } catch let e as FileError {
            throw MailroomError(.input, "cannot read the message: \(e.reason)", location: e.path)
        }
        guard buffer.count == locator.length else {
            throw MailroomError(.input, "the file is shorter than when it was extracted: rerun extract",
                                location: file.path)
        }
        try check(identity, locator, file, headerLength: HeaderSection.end(of: buffer) ?? buffer.count)
        if locator.unquote { MboxQuoting.unquote(&buffer) }
        return try buffer.withUnsafeBytes(body)
    }

    /// The header section of the copy (mbox: From-quoting undone), read with small reads that stop at the blank
    /// line ending it or after `HeaderSection.cap` bytes: for a copy whose locator is over the size limit,
    /// which is never read whole. Throws `MailroomError(.input)` when the file cannot be opened or read, or (with
    /// `identity`, as `withBytes`) when a header section under the cap is another message's.
    public func withHeaderSection<T>(_ locator: Locator, identity: UInt64? = nil,
                                     _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let file = try self.file(locator.file)
        do {
            try HeaderSection.read(file, offset: locator.offset, length: locator.length, into: &buffer)
        } catch let e as FileError {
            throw MailroomError(.input, "cannot read the message: \(e.reason)", location: e.path)
        }
        // Under the cap the buffer is the whole header section (its length is known): it can be checked.
        if buffer.count < HeaderSection.cap { try check(identity, locator, file, headerLength: buffer.count) }
        if locator.unquote { MboxQuoting.unquote(&buffer) }
        return try buffer.withUnsafeBytes(body)
    }

    /// Refuses a buffer (as read, before From-quoting is undone) that is not the message `identity` names, as
    /// extract computed it: the header section up to `HeaderSection.cap` and the body's length.
    private func check(_ identity: UInt64?, _ locator: Locator, _ file: ReadOnlyFile, headerLength: Int) throws {
        guard let identity else { return }
        let digest = buffer.withUnsafeBytes { b in
            MboxCopyIdentity.digest(header: UnsafeRawBufferPointer(rebasing: b[..<min(headerLength, HeaderSection.cap)]),
                                    bodyLength: locator.length - headerLength)
        }
        guard digest == identity else {
            throw MailroomError(.input, "another message is at this place in the file now (it was compacted or rewritten since extract): rerun extract",
                                location: file.path)
        }
    }

    private func file(_ name: String) throws -> ReadOnlyFile {
        if let f = openFile, f.name == name { return f.file }
        if rootIsFile == nil {
            rootIsFile = (try? FileTree.kind(rootPath, follow: true))?.kind == .regular
        }
        // A single-file mailbox's locators name the file itself, which sits beside the root path's folder.
        let base = rootIsFile == true ? String(rootPath.dropLast(MboxSource.lastComponent(rootPath).count)) : rootPath
        let path = base.isEmpty ? name : FileTree.join(base, name)
        do {
            let f = try ReadOnlyFile(path: path, noFollow: rootIsFile != true)
            openFile = (name, f)
            return f
        } catch let e as FileError {
            throw MailroomError(.input, "cannot open the message file: \(e.reason)", location: path)
        }
    }
}
