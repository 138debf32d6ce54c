import MailroomCore

/// The mbox file source: one mbox file, or a folder (searched recursively) of mbox files.
///
/// In a folder, a file is an mbox when its name ends in `.mbox`/`.mbx` or when it starts with a `From ` line
/// (after an optional BOM and blank lines); other files (indexes such as Thunderbird's `.msf`, notes) are left
/// alone, dot-files and symbolic links are never read. A file's folder is its relative path without the
/// `.mbox`/`.mbx` extension; Thunderbird's `Name.sbd/` subfolder directories and Apple Mail's
/// `Name.mbox/mbox` layout map to `Name/...` and `Name`.
///
/// A copy's id is `<mailbox>/<folder>/<identity>` (`MboxCopyIdentity`: a hash of the message, not its offset,
/// so it names the same message after a client compacts the file); the offset is in the locator.
///
/// Thunderbird: a message whose `X-Mozilla-Status` marks it expunged (deleted or moved to the Trash, waiting
/// for the folder to be compacted) is left out as trash.
///
/// Gmail Takeout: a message with an `X-Gmail-Labels` header (whatever the file's name) is one copy per label
/// that is a folder (`GmailLabels.folders`: `INBOX`, `Sent`, user labels), or, under Spam, Trash or Drafts, one
/// copy in that folder, left out for that reason (unless `includeFolders` names it). The same message again in
/// a later file of the mailbox (an export per label) is not a copy again.
enum MboxSource {
    struct File {
        var path: String
        /// Relative to the mailbox root (for a single-file root, its file name).
        var relative: String
        var folder: String
    }

    static func scan(rootPath: String, rootIsFile: Bool, mailbox: String, chunkSize: Int, skipped: inout SkippedFiles,
                     found: FoundCopyHandler) throws {
        var files: [File] = []
        if rootIsFile {
            let name = lastComponent(rootPath)
            guard try sniff(rootPath) != .notMbox else {
                throw MailroomError(.input, "not an mbox file: it does not start with a From_ line", location: rootPath)
            }
            files = [File(path: rootPath, relative: name, folder: folderName(name))]
        } else {
            try collect(dir: rootPath, relative: "", depth: 0, into: &files, skipped: &skipped)
            guard !files.isEmpty else {
                throw MailroomError(.input, "no mbox file in this folder\(SourceHint.hint(for: rootPath, not: .mbox))",
                                    location: rootPath)
            }
        }
        // Two files that would share a folder name (`Sent` and `Sent.mbox`) would share copy ids: the later one
        // keeps its full relative path as its folder.
        var folderNames = Set<String>()
        for i in files.indices where !folderNames.insert(files[i].folder).inserted {
            files[i].folder = files[i].relative
            folderNames.insert(files[i].relative)
        }
        // Takeout copies already emitted from an earlier file (a message exported under two labels' files).
        var takeoutSeen = Set<UInt64>()
        for f in files {
            let file: ReadOnlyFile
            do {
                file = try ReadOnlyFile(path: f.path, noFollow: !rootIsFile)
            } catch let e as FileError {
                if rootIsFile {
                    try OpenFileLimit.check(e)  // as for a file of a folder: no descriptor left is exit 5
                    throw MailroomError(.input, "mailbox file cannot be read: \(e.reason)", location: f.path)
                }
                try skipped.unreadable(f.path, e)
                continue
            }
            let splitter = MboxSplitter(file: file, chunkSize: chunkSize)
            var occurrences: [UInt64: Int] = [:]
            while let m = try splitter.next() {
                try splitter.withHeader(of: m) { h in
                    var fields = MboxCopyIdentity.Fields()
                    let digest = MboxCopyIdentity.digest(header: h, bodyLength: m.length - m.headerLength,
                                                         fields: &fields)
                    let n = (occurrences[digest] ?? 0) + 1
                    occurrences[digest] = n
                    let key = MboxCopyIdentity.key(digest, occurrence: n)
                    var copy = FoundCopy(
                        copyId: "\(mailbox)/\(f.folder)/\(key)", folder: f.folder,
                        locator: Locator(file: f.relative, offset: m.start, length: m.length, unquote: m.unquote),
                        fallbackEpoch: m.fromEpoch)
                    if let at = fields.mozillaStatus,
                       let raw = HeaderScan.firstField("X-Mozilla-Status", in: UnsafeRawBufferPointer(rebasing: h[at...])) {
                        copy.leftOut = LeftOutReason.forMozillaStatus(raw)
                    }
                    guard let at = fields.gmailLabels,
                          let raw = HeaderScan.firstField("X-Gmail-Labels", in: UnsafeRawBufferPointer(rebasing: h[at...]))
                    else {
                        return try found(copy, h)
                    }
                    // Gmail Takeout: the labels are the folders; a message under Spam, Trash or Drafts is one
                    // left-out copy.
                    guard takeoutSeen.insert(digest &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15).inserted else { return }
                    let labels = GmailLabels(raw: raw)
                    if let reason = labels.leftOut {
                        copy.leftOut = reason
                        copy.folder = GmailLabels.folder(of: reason)
                        copy.copyId = "\(mailbox)/\(copy.folder)/\(key)"
                        return try found(copy, h)
                    }
                    for folder in labels.folders {
                        copy.folder = folder
                        copy.copyId = "\(mailbox)/\(folder)/\(key)"
                        try found(copy, h)
                    }
                }
            }
        }
    }

    private static func collect(dir: String, relative: String, depth: Int, into files: inout [File],
                                skipped: inout SkippedFiles) throws {
        guard depth < 64 else { return }
        for e in try FileTree.entries(dir, invalidNames: &skipped) where !e.name.hasPrefix(".") {
            let path = FileTree.join(dir, e.name)
            let rel = FileTree.join(relative, e.name)
            switch e.kind {
            case .directory:
                try collect(dir: path, relative: rel, depth: depth + 1, into: &files, skipped: &skipped)
            case .regular:
                let named = hasMboxExtension(e.name) || e.name == "mbox"
                let kind: Sniff
                do { kind = try sniff(path) } catch let e as FileError { try skipped.unreadable(path, e); continue }
                if kind == .mbox || (named && kind == .empty) {
                    files.append(File(path: path, relative: rel, folder: folderName(rel)))
                } else if named && kind == .notMbox {
                    skipped.add(.notMbox, path: path, "named like an mbox file but does not start with a From_ line")
                }
            case .symlink, .other:
                continue
            }
        }
    }

    enum Sniff { case mbox, empty, notMbox }

    /// Whether the file starts (after a BOM and blank lines) with a `From ` line.
    static func sniff(_ path: String) throws -> Sniff {
        let file = try ReadOnlyFile(path: path)
        var bytes: [UInt8] = []
        try file.readBytes(into: &bytes, count: 4096, at: 0)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i == bytes.count { return bytes.count < 4096 ? .empty : .notMbox }
        return MboxFromLine.hasPrefix(bytes[i...]) ? .mbox : .notMbox
    }

    /// The folder of a file at `relative`: extensions `.mbox`, `.mbx` and `.sbd` dropped from every part, and
    /// Apple Mail's `Name.mbox/mbox` named `Name`.
    static func folderName(_ relative: String) -> String {
        var parts = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count >= 2, parts[parts.count - 1] == "mbox", hasMboxExtension(parts[parts.count - 2]) {
            parts.removeLast()
        }
        let names = parts.map { p -> String in
            for ext in [".mbox", ".mbx", ".sbd"] where p.count > ext.count && p.lowercased().hasSuffix(ext) {
                return String(p.dropLast(ext.count))
            }
            return p
        }
        return names.joined(separator: "/")
    }

    static func hasMboxExtension(_ name: String) -> Bool {
        let l = name.lowercased()
        return (l.hasSuffix(".mbox") && l.count > 5) || (l.hasSuffix(".mbx") && l.count > 4)
    }

    static func lastComponent(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }
}
