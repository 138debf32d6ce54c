#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// Directory listings and file types for the file sources, with `lstat` so that symbolic links are seen as
/// links and never followed below a mailbox's root.
enum FileTree {
    enum Kind: Equatable { case regular, directory, symlink, other }

    struct Entry: Equatable {
        var name: String
        var kind: Kind
        var size: Int
    }

    /// The type and size of `path` (`lstat`: a link is `.symlink`; `follow` uses `stat` instead). Nil when it
    /// does not exist; throws `FileError` for any other failure.
    static func kind(_ path: String, follow: Bool = false) throws -> (kind: Kind, size: Int)? {
        var st = stat()
        let rc = follow ? stat(path, &st) : lstat(path, &st)
        if rc != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw FileError(path: path, errno: errno)
        }
        return (kind(mode: st.st_mode), Int(st.st_size))
    }

    static func isDirectory(_ path: String) -> Bool {
        (try? kind(path))?.kind == .directory
    }

    /// The entries of a directory except `.` and `..`, sorted by name (byte order), each typed with `lstat`.
    /// Names that are not valid UTF-8 are left out and listed in `invalidNames` (they cannot be written to
    /// the NDJSON files as paths that lead back to the file).
    static func entries(_ dir: String, invalidNames: inout SkippedFiles) throws -> [Entry] {
        try list(dir, invalidNames: &invalidNames) { fd, listed in
            listed.compactMap { name, _ in
                lstatAt(fd, name).map { Entry(name: name, kind: $0.kind, size: $0.size) }
            }
        }
    }

    /// As `entries`, without sizes: each kind is the one the directory entry records (`d_type`, the `lstat`
    /// type: a link is a link), with `lstat` only for an entry whose file system does not record it. For a
    /// caller that opens every file anyway and asks the open descriptor its size (`fstat`), which walks no name
    /// again: in a Maildir folder of 100,000 files the `lstat`s by name were a tenth of extract's time.
    static func kinds(_ dir: String, invalidNames: inout SkippedFiles) throws -> [(name: String, kind: Kind)] {
        try list(dir, invalidNames: &invalidNames) { fd, listed in
            listed.compactMap { name, type in
                if let kind = kind(entryType: type) { return (name, kind) }
                return lstatAt(fd, name).map { (name, $0.kind) }
            }
        }
    }

    /// `lstat` of `name` relative to the open directory `fd`: no path is built and walked again per entry. Nil
    /// for an entry that vanished between readdir and lstat: it is simply not there any more.
    private static func lstatAt(_ fd: Int32, _ name: String) -> (kind: Kind, size: Int)? {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return (kind(mode: st.st_mode), Int(st.st_size))
    }

    /// The names (valid UTF-8, byte order) and `d_type`s of a directory's entries, handed to `body` with the
    /// directory's descriptor.
    private static func list<T>(_ dir: String, invalidNames: inout SkippedFiles,
                                _ body: (Int32, [(name: String, type: UInt8)]) throws -> T) throws -> T {
        guard let d = opendir(dir) else { throw FileError(path: dir, errno: errno) }
        defer { closedir(d) }
        var listed: [(name: String, type: UInt8)] = []
        while true {
            errno = 0
            guard let ent = readdir(d) else {
                if errno != 0 { throw FileError(path: dir, errno: errno) }
                break
            }
            let bytes = nameBytes(ent)
            let name: String? = String(validating: bytes, as: UTF8.self)
            if name == nil { invalidNames.nameNotUTF8(dir: dir, bytes: bytes) }
            guard let name else { continue }
            if name == "." || name == ".." { continue }
            listed.append((name, entryType(ent)))
        }
        return try body(dirfd(d), ByteOrder.sorted(listed) { $0.name })
    }

    /// The type a directory entry records (`d_type`), read in place (see `nameBytes`).
    private static func entryType(_ ent: UnsafeMutablePointer<dirent>) -> UInt8 {
        #if canImport(Glibc)
        let at = UnsafeRawPointer(ent) + MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        return at.load(as: UInt8.self)
        #else
        return 0
        #endif
    }

    /// The kind for a `d_type`; nil for `DT_UNKNOWN` (the file system does not say: ask `lstat`).
    static func kind(entryType type: UInt8) -> Kind? {
        #if canImport(Glibc)
        switch Int(type) {
        case DT_UNKNOWN: return nil
        case DT_REG: return .regular
        case DT_DIR: return .directory
        case DT_LNK: return .symlink
        default: return .other
        }
        #else
        return nil
        #endif
    }

    /// The name of a `readdir` entry, read in place up to its NUL. Never `ent.pointee.d_name`: that copies the
    /// whole `struct dirent` (280 bytes), but the kernel's record is only as long as its name (`d_reclen`), so the
    /// copy can read past the end of readdir's buffer and fault when the next page is not mapped (seen as SIGSEGV
    /// on Maildir folders of 25,000 files).
    static func nameBytes(_ ent: UnsafeMutablePointer<dirent>) -> UnsafeRawBufferPointer {
        let start = UnsafeRawPointer(ent) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return UnsafeRawBufferPointer(start: start, count: strlen(start.assumingMemoryBound(to: CChar.self)))
    }

    static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    private static func kind(mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }
}
