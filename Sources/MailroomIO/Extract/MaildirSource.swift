#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// The Maildir source: one Maildir, or a tree of Maildir folders.
///
/// - A Maildir is a directory with `cur/` or `new/`; `tmp/` (mail being delivered) is never read.
/// - The root's own `cur/`/`new/` is folder `INBOX`. Below it, folders as mbsync and OfflineIMAP write them
///   (`Sent/cur`, `Archive/2024/cur` → `Archive/2024`; mbsync's legacy `Archive/.2024` → `Archive/2024`) and
///   Maildir++ (`.Sent`, `.Archive.2024` at the root → `Sent`, `Archive/2024`).
/// - Only regular files are messages (`lstat`: symbolic links are never followed); dot-files and marker files
///   (`dovecot*`, `maildirfolder`, `courierimap*`) are skipped.
/// - Order: folders by name, then files by name (byte order).
enum MaildirSource {
    struct Folder: Equatable {
        var name: String
        /// Relative path of the Maildir directory ("" for the root).
        var relative: String
    }

    /// With `shard`, a file of another shard is passed over before it is opened (its copy id is known from its name).
    /// `keepingWhole`: small files' bytes are handed on with their copies (`FoundCopy.whole`).
    static func scan(rootPath: String, mailbox: String, shard: MailboxShard? = nil, keepingWhole: Bool = false,
                     skipped: inout SkippedFiles, found: FoundCopyHandler) throws {
        let folders = try self.folders(rootPath: rootPath, skipped: &skipped)
        guard !folders.isEmpty else {
            throw MailroomError(.input, "not a Maildir: no cur/ or new/ folder in it or below it"
                                + SourceHint.hint(for: rootPath, not: .maildir), location: rootPath)
        }
        var buffer: [UInt8] = []
        for folder in folders {
            let dir = FileTree.join(rootPath, folder.relative)
            // cur/ and new/ stay open: their files are opened relative to them, without walking the path again.
            var subs: [(name: String, fd: Int32)] = []
            defer { for s in subs { close(s.fd) } }
            var files = MaildirFiles()
            do {
                var listed: [[String]] = []
                for sub in ["cur", "new"] where FileTree.isDirectory(FileTree.join(dir, sub)) {
                    let subPath = FileTree.join(dir, sub)
                    // Kinds from the listing; sizes from the descriptors opened ahead (`OpenAhead`).
                    listed.append(try FileTree.kinds(subPath, invalidNames: &skipped)
                        .filter { $0.kind == .regular && !isMarker($0.name) }.map(\.name))
                    let fd = open(subPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                    guard fd >= 0 else { throw FileError(path: subPath, errno: errno) }
                    subs.append((sub, fd))
                }
                for f in merged(listed) {
                    if let shard, !shard.contains(copyId: "\(mailbox)/\(folder.name)/\(MaildirName(f.name).unique)") {
                        continue
                    }
                    files.append(f.name, sub: f.sub)
                }
            }  // the listing's strings are freed here: only `files` lives while the folder is read
            var seen = UniqueNames(capacity: files.count)
            let fds = subs.map(\.fd)
            let ahead = OpenAhead(count: files.count, ahead: OpenFileLimit.filesAhead(MessageFile.readAheadFiles)) {
                [files] k in (fds[files.sub(k)], files.name(k))
            }
            defer { ahead.stop() }  // before cur/ and new/ are closed
            for k in 0..<files.count {
                let sub = subs[files.sub(k)]
                let name = files.name(k)
                let relative = FileTree.join(FileTree.join(folder.relative, sub.name), name)
                let path = FileTree.join(rootPath, relative)
                let info = MaildirName(name)
                // The same unique name twice (in cur/ and new/, or with two flag sets) is one message caught
                // mid-rename: the first is kept, the other skipped, so copy ids stay unique.
                guard seen.insert(k, of: files) else {
                    ahead.skip(k)
                    skipped.add(.maildirRepeatedName, path: path,
                                "another file of folder \"\(folder.name)\" has the unique name \(info.unique) (caught mid-rename): the first is kept")
                    continue
                }
                let file: ReadOnlyFile, size: Int
                do {
                    (file, size) = try ahead.take(k, path: path)
                } catch let failure as FileError {
                    try skipped.unreadable(path, failure)
                    continue
                }
                let copy = FoundCopy(copyId: "\(mailbox)/\(folder.name)/\(info.unique)", folder: folder.name,
                                     locator: Locator(file: relative, offset: 0, length: size),
                                     flags: info.flags, fallbackEpoch: info.deliveryEpoch)
                if let failure = try MessageFile.readHeader(file, size: size, into: &buffer, copy: copy,
                                                            keepingWhole: keepingWhole, found: found) {
                    try skipped.unreadable(path, failure)
                }
            }
        }
    }

    /// The names of a folder's cur/ and new/ (`lists`, in that order, each in byte order) as one list in byte
    /// order, each with the number of its list; a name in both (a message caught mid-rename) from cur/ first.
    /// Names are compared as bytes only (two spellings of é are two names here).
    static func merged(_ lists: [[String]]) -> [(name: String, sub: Int)] {
        var out: [(name: String, sub: Int)] = []
        out.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        guard lists.count == 2 else {
            for (k, list) in lists.enumerated() { out.append(contentsOf: list.map { ($0, k) }) }
            return out
        }
        let (a, b) = (lists[0], lists[1])
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if ByteOrder.precedes(b[j], a[i]) {
                out.append((b[j], 1))
                j += 1
            } else {
                out.append((a[i], 0))
                i += 1
            }
        }
        out.append(contentsOf: a[i...].map { ($0, 0) })
        out.append(contentsOf: b[j...].map { ($0, 1) })
        return out
    }

    /// Every Maildir folder of the tree at `rootPath`, sorted by folder name.
    static func folders(rootPath: String, skipped: inout SkippedFiles) throws -> [Folder] {
        var result: [Folder] = []
        if isMaildir(rootPath) { result.append(Folder(name: "INBOX", relative: "")) }
        try walk(dir: rootPath, relative: "", names: [], depth: 0, into: &result, skipped: &skipped)
        result.sort { a, b in
            a.name == b.name ? ByteOrder.precedes(a.relative, b.relative)
                : ByteOrder.precedes(a.name, b.name)
        }
        return result
    }

    private static func walk(dir: String, relative: String, names: [String], depth: Int, into result: inout [Folder],
                             skipped: inout SkippedFiles) throws {
        guard depth < 64 else { return }
        let dirIsMaildir = isMaildir(dir)
        for e in try FileTree.entries(dir, invalidNames: &skipped) where e.kind == .directory {
            if dirIsMaildir, ["cur", "new", "tmp"].contains(e.name) { continue }
            let path = FileTree.join(dir, e.name)
            let rel = FileTree.join(relative, e.name)
            if e.name.hasPrefix(".") {
                let bare = String(e.name.dropFirst())
                guard !bare.isEmpty, isMaildir(path) else { continue }
                if depth == 0 {
                    // Maildir++: a flat list of `.A.B` folders at the root.
                    let name = bare.split(separator: ".", omittingEmptySubsequences: true).joined(separator: "/")
                    result.append(Folder(name: name, relative: rel))
                    continue
                }
                // mbsync `SubFolders Legacy`: `Parent/.Child`.
                result.append(Folder(name: (names + [bare]).joined(separator: "/"), relative: rel))
                try walk(dir: path, relative: rel, names: names + [bare], depth: depth + 1, into: &result,
                         skipped: &skipped)
                continue
            }
            if isMaildir(path) {
                result.append(Folder(name: (names + [e.name]).joined(separator: "/"), relative: rel))
            }
            try walk(dir: path, relative: rel, names: names + [e.name], depth: depth + 1, into: &result,
                     skipped: &skipped)
        }
    }

    /// A directory with a `cur/` or `new/` directory (not links).
    static func isMaildir(_ dir: String) -> Bool {
        FileTree.isDirectory(FileTree.join(dir, "cur")) || FileTree.isDirectory(FileTree.join(dir, "new"))
    }

    /// Files in cur/ and new/ that are not messages.
    static func isMarker(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("dovecot") || name == "maildirfolder" || name.hasPrefix("courierimap")
    }
}
