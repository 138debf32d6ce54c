import MailroomCore

/// The files one mailbox's extract left out (not message copies): each a `RecordIssue` naming the file by its
/// path relative to the mailbox's path, in the order they were met. `extract/skipped.ndjson` lists them.
struct SkippedFiles {
    let mailbox: String
    /// The mailbox's path (a folder, or the one mbox or .eml file).
    let root: String
    var issues: [RecordIssue] = []

    init(mailbox: String, root: String) {
        self.mailbox = mailbox
        self.root = root
    }

    mutating func add(_ code: IssueCode, path: String, _ detail: String) {
        issues.append(RecordIssue(code, at: RecordIssue.Location(mailbox: mailbox, file: relative(path)), detail))
    }

    /// A file that cannot be opened or read, skipped; unless the process ran out of file descriptors, which stops
    /// the run (`OpenFileLimit.check`): that is no fault of the file.
    mutating func unreadable(_ path: String, _ e: FileError) throws {
        try OpenFileLimit.check(e)
        add(.fileUnreadable, path: path, "cannot be read: \(e.reason)")
    }

    /// An entry of folder `dir` whose name is not UTF-8: named with its bytes other than printable ASCII as `%XX`.
    mutating func nameNotUTF8(dir: String, bytes: some Collection<UInt8>) {
        var escaped = ""
        for b in bytes {
            if b > 0x20 && b < 0x7F && b != UInt8(ascii: "%") {
                escaped.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                escaped += "%" + (b < 0x10 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        add(.fileNameNotUTF8, path: FileTree.join(dir, escaped), "the name is not UTF-8 (shown with %XX escapes)")
    }

    /// `path` relative to `root`: `root` itself is its last component.
    func relative(_ path: String) -> String {
        if path == root { return MboxSource.lastComponent(path) }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
