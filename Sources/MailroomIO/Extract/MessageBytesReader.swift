import Foundation
import MailroomCore

/// Gives a copy's message bytes back from its `Locator` (used by normalize). Keeps the last file open, so
/// reading the copies of one mbox in order opens it once. Not thread-safe: one reader per task.
public final class MessageBytesReader {
    private let rootPath: String
    private let unchangedBefore: Double?
    private var rootIsFile: Bool?
    /// The open file, and whether its copies' identities are checked (see `init`).
    private var openFile: (name: String, file: ReadOnlyFile, verifies: Bool?)?
    private var buffer: [UInt8] = []

    /// `unchangedBefore` (seconds since 1970): a file whose status last changed before then holds the bytes
    /// extract read (extract began after it), so its copies' identities are not checked again. The status
    /// change time (ctime) is used, not the modification time: rewriting or replacing a file always sets it,
    /// even when the modification time is set back (`cp -p`, `touch -d`, a restored backup). Nil checks every
    /// file.
    public init(root: URL, unchangedBefore: Double? = nil) {
        rootPath = root.path
        self.unchangedBefore = unchangedBefore
    }

    /// The copy's message bytes (mbox: without the From_ line and with From-quoting undone as the format
    /// requires). Throws `MailroomError(.input)` (`skippable`: one copy's bytes) when the file cannot be read or is shorter than the locator says
    /// (the mailbox changed since extract). With `identity` (an mbox copy's, `MboxCopyIdentity.digest(copyId:)`),
    /// bytes that are another message also throw: the file was compacted or rewritten since extract.
    public func withBytes<T>(_ locator: Locator, identity: UInt64? = nil,
                             _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let file = try self.file(locator.file)
        do {
            try file.readBytes(into: &buffer, count: locator.length, at: locator.offset)
        } catch let e as FileError {
            try OpenFileLimit.check(e)
            throw MailroomError(.input, "cannot read the message: \(e.reason)", location: e.path, category: .skippable,
                                cause: e)
        }
        guard buffer.count == locator.length else {
            throw MailroomError(.input, "the file is shorter than when it was extracted: rerun extract",
                                location: file.path, category: .skippable)
        }
        if let identity, verifies() {
            try check(identity, locator, file, headerLength: HeaderSection.end(of: buffer) ?? buffer.count)
        }
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
            try OpenFileLimit.check(e)
            throw MailroomError(.input, "cannot read the message: \(e.reason)", location: e.path, category: .skippable,
                                cause: e)
        }
        // Under the cap the buffer is the whole header section (its length is known): it can be checked.
        if let identity, buffer.count < HeaderSection.cap, verifies() {
            try check(identity, locator, file, headerLength: buffer.count)
        }
        if locator.unquote { MboxQuoting.unquote(&buffer) }
        return try buffer.withUnsafeBytes(body)
    }

    /// Refuses a buffer (as read, before From-quoting is undone) that is not the message `identity` names, as
    /// extract computed it: the header section up to `HeaderSection.cap` and the body's length.
    private func check(_ identity: UInt64, _ locator: Locator, _ file: ReadOnlyFile, headerLength: Int) throws {
        let digest = buffer.withUnsafeBytes { b in
            MboxCopyIdentity.digest(header: UnsafeRawBufferPointer(rebasing: b[..<min(headerLength, HeaderSection.cap)]),
                                    bodyLength: locator.length - headerLength)
        }
        guard digest == identity else {
            throw MailroomError(.input, "another message is at this place in the file now (it was compacted or rewritten since extract): rerun extract",
                                location: file.path, category: .skippable)
        }
    }

    /// Whether the open file's copies are checked against their identities: its status changed at or after
    /// `unchangedBefore` (or that is nil, or the status cannot be read). Asked once per file.
    private func verifies() -> Bool {
        guard let f = openFile else { return true }
        if let v = f.verifies { return v }
        var v = true
        if let before = unchangedBefore, let changed = try? f.file.statusChanged() { v = changed >= before }
        openFile?.verifies = v
        return v
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
            openFile = (name, f, nil)
            return f
        } catch let e as FileError {
            try OpenFileLimit.check(e)
            throw MailroomError(.input, "cannot open the message file: \(e.reason)", location: path, category: .skippable,
                                cause: e)
        }
    }
}
