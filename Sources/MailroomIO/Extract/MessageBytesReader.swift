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
    /// (the mailbox changed since extract).
    public func withBytes<T>(_ locator: Locator, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
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
        if locator.unquote { MboxQuoting.unquote(&buffer) }
        return try buffer.withUnsafeBytes(body)
    }

    /// The header section of the copy (mbox: From-quoting undone), read with small reads that stop at the blank
    /// line ending it or after `HeaderSection.cap` bytes: for a copy whose locator is over the size limit,
    /// which is never read whole. Throws `MailroomError(.input)` when the file cannot be opened or read.
    public func withHeaderSection<T>(_ locator: Locator, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let file = try self.file(locator.file)
        do {
            try HeaderSection.read(file, offset: locator.offset, length: locator.length, into: &buffer)
        } catch let e as FileError {
            throw MailroomError(.input, "cannot read the message: \(e.reason)", location: e.path)
        }
        if locator.unquote { MboxQuoting.unquote(&buffer) }
        return try buffer.withUnsafeBytes(body)
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
