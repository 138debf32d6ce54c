#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        guard let d = opendir(dir) else { throw FileError(path: dir, errno: errno) }
        defer { closedir(d) }
        var names: [String] = []
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
            names.append(name)
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var result: [Entry] = []
        result.reserveCapacity(names.count)
        let fd = dirfd(d)
        for name in names {
            // Relative to the open directory (`lstat` semantics): no path is built and walked again per entry.
            // An entry that vanished between readdir and lstat is simply not there any more.
            var st = stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            result.append(Entry(name: name, kind: kind(mode: st.st_mode), size: Int(st.st_size)))
        }
        return result
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
