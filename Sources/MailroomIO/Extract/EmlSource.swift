import MailroomCore

/// The .eml source: a folder, searched recursively, of `.eml` files (one message each; a single `.eml` file is
/// accepted too). A file's folder is its directory relative to the root (`INBOX` for the root itself); its
/// copy id is `<mailbox>/<relative path>`. Dot-files, dot-directories and symbolic links are skipped; files are
/// visited in byte order of their relative paths.
enum EmlSource {
    static func scan(rootPath: String, rootIsFile: Bool, mailbox: String, skipped: inout SkippedFiles,
                     found: FoundCopyHandler) throws {
        var files: [(relative: String, folder: String, size: Int)] = []
        var base = rootPath
        if rootIsFile {
            let name = MboxSource.lastComponent(rootPath)
            guard isEml(name), let k = try FileTree.kind(rootPath, follow: true) else {
                throw MailroomError(.input, "not a folder of .eml files", location: rootPath)
            }
            base = String(rootPath.dropLast(name.count))
            files = [(name, "INBOX", k.size)]
        } else {
            try collect(dir: rootPath, relative: "", depth: 0, into: &files, skipped: &skipped)
            guard !files.isEmpty else {
                throw MailroomError(.input, "no .eml file in this folder or below it"
                                    + SourceHint.hint(for: rootPath, not: .eml), location: rootPath)
            }
        }
        files.sort { ByteOrder.precedes($0.relative, $1.relative) }
        var buffer: [UInt8] = []
        func path(_ k: Int) -> String { base.isEmpty ? files[k].relative : FileTree.join(base, files[k].relative) }
        for k in 0..<min(MessageFile.readAheadFiles, files.count) { MessageFile.readAhead(path(k), size: files[k].size) }
        for (k, f) in files.enumerated() {
            if k + MessageFile.readAheadFiles < files.count {
                let next = k + MessageFile.readAheadFiles
                MessageFile.readAhead(path(next), size: files[next].size)
            }
            let copy = FoundCopy(copyId: "\(mailbox)/\(f.relative)", folder: f.folder,
                                 locator: Locator(file: f.relative, offset: 0, length: f.size))
            if let failure = try MessageFile.readHeader(path: path(k), size: f.size, into: &buffer, copy: copy,
                                                        found: found) {
                if rootIsFile { throw MailroomError(.input, "mailbox file cannot be read", location: rootPath) }
                skipped.unreadable(path(k), failure)
            }
        }
    }

    private static func collect(dir: String, relative: String, depth: Int,
                                into files: inout [(relative: String, folder: String, size: Int)],
                                skipped: inout SkippedFiles) throws {
        guard depth < 64 else { return }
        for e in try FileTree.entries(dir, invalidNames: &skipped) where !e.name.hasPrefix(".") {
            let rel = FileTree.join(relative, e.name)
            switch e.kind {
            case .directory:
                try collect(dir: FileTree.join(dir, e.name), relative: rel, depth: depth + 1, into: &files,
                            skipped: &skipped)
            case .regular where isEml(e.name):
                files.append((rel, relative.isEmpty ? "INBOX" : relative, e.size))
            default:
                continue
            }
        }
    }

    static func isEml(_ name: String) -> Bool {
        name.count > 4 && name.lowercased().hasSuffix(".eml")
    }
}
