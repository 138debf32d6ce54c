#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// The .eml source: a folder, searched recursively, of `.eml` files (one message each; a single `.eml` file is
/// accepted too). A file's folder is its directory relative to the root (`INBOX` for the root itself); its
/// copy id is `<mailbox>/<relative path>`. Dot-files, dot-directories and symbolic links are skipped; files are
/// visited in byte order of their relative paths.
enum EmlSource {
    /// `keepingWhole`: small files' bytes are handed on with their copies (`FoundCopy.whole`), as for Maildir.
    static func scan(rootPath: String, rootIsFile: Bool, mailbox: String, keepingWhole: Bool = false,
                     skipped: inout SkippedFiles, found: FoundCopyHandler) throws {
        var files: [(relative: String, folder: String)] = []
        var base = rootPath
        if rootIsFile {
            let name = MboxSource.lastComponent(rootPath)
            guard isEml(name), try FileTree.kind(rootPath, follow: true) != nil else {
                throw MailroomError(.input, "not a folder of .eml files", location: rootPath)
            }
            base = String(rootPath.dropLast(name.count))
            files = [(name, "INBOX")]
        } else {
            try collect(dir: rootPath, relative: "", depth: 0, into: &files, skipped: &skipped)
            guard !files.isEmpty else {
                throw MailroomError(.input, "no .eml file in this folder or below it"
                                    + SourceHint.hint(for: rootPath, not: .eml), location: rootPath)
            }
        }
        let sorted = ByteOrder.sorted(files) { $0.relative }, root = base
        var buffer: [UInt8] = []
        @Sendable func path(_ k: Int) -> String {
            root.isEmpty ? sorted[k].relative : FileTree.join(root, sorted[k].relative)
        }
        // Each file opened once, ahead of its read, and sized by its descriptor (as `MaildirSource` does); each
        // path made when it is opened, not all held at once.
        let ahead = OpenAhead(count: sorted.count, ahead: OpenFileLimit.filesAhead(MessageFile.readAheadFiles)) {
            (AT_FDCWD, path($0))
        }
        defer { ahead.stop() }
        for (k, f) in sorted.enumerated() {
            let p = path(k)
            func unreadable(_ failure: FileError) throws {
                if rootIsFile {
                    try OpenFileLimit.check(failure)  // as for a file of a folder: no descriptor left is exit 5
                    throw MailroomError(.input, "mailbox file cannot be read: \(failure.reason)", location: rootPath)
                }
                try skipped.unreadable(p, failure)
            }
            let file: ReadOnlyFile, size: Int
            do {
                (file, size) = try ahead.take(k, path: p)
            } catch let failure as FileError {
                try unreadable(failure)
                continue
            }
            let copy = FoundCopy(copyId: "\(mailbox)/\(f.relative)", folder: f.folder,
                                 locator: Locator(file: f.relative, offset: 0, length: size))
            if let failure = try MessageFile.readHeader(file, size: size, into: &buffer, copy: copy,
                                                        keepingWhole: keepingWhole, found: found) {
                try unreadable(failure)
            }
        }
    }

    private static func collect(dir: String, relative: String, depth: Int,
                                into files: inout [(relative: String, folder: String)],
                                skipped: inout SkippedFiles) throws {
        guard depth < 64 else { return }
        for e in try FileTree.kinds(dir, invalidNames: &skipped) where !e.name.hasPrefix(".") {
            let rel = FileTree.join(relative, e.name)
            switch e.kind {
            case .directory:
                try collect(dir: FileTree.join(dir, e.name), relative: rel, depth: depth + 1, into: &files,
                            skipped: &skipped)
            case .regular where isEml(e.name):
                files.append((rel, relative.isEmpty ? "INBOX" : relative))
            default:
                continue
            }
        }
    }

    static func isEml(_ name: String) -> Bool {
        name.count > 4 && name.lowercased().hasSuffix(".eml")
    }
}
