import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// Everything Mailroom writes holds private mail or what was read from it (run directories, raw IMAP bodies,
/// NDJSON, reports, lock and temporary files, the store), so it is readable by its owner only, whatever the
/// process umask, as ssh and gpg do: directories 0700, files 0600. The CLI also sets `umask(077)` at start;
/// these functions give library users the same modes.
///
/// A file or directory that already exists, belongs to this user and is open to others is tightened when
/// Mailroom opens it for writing (a run directory or store made by an older version).
public enum PrivateFiles {
    public static let fileMode: mode_t = 0o600
    public static let directoryMode: mode_t = 0o700

    /// `open(2)` of a file Mailroom writes (`flags` such as `O_WRONLY | O_CREAT | O_TRUNC`): a new file is
    /// created 0600; an existing one of ours is set to 0600. `O_CLOEXEC` is added. Returns the descriptor, or
    /// -1 with `errno` set.
    public static func open(_ path: String, _ flags: Int32) -> Int32 {
        #if canImport(Glibc)
        let fd = Glibc.open(path, flags | O_CLOEXEC, fileMode)
        #else
        let fd = Darwin.open(path, flags | O_CLOEXEC, fileMode)
        #endif
        if fd >= 0 { tighten(fd: fd) }
        return fd
    }

    /// Sets an open file of ours to exactly 0600 when it is anything else (a umask may have taken bits from
    /// a new file, an old file may be open to others).
    static func tighten(fd: Int32) {
        let saved = errno
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & 0o777 != fileMode, st.st_uid == geteuid() {
            _ = fchmod(fd, fileMode)
        }
        errno = saved
    }

    /// Sets the file or directory at `path` (not following a symbolic link) to 0600 or 0700 when it is ours
    /// and has another mode. Missing paths are left alone.
    public static func tighten(path: String) {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_uid == geteuid() else { return }
        let want: mode_t
        switch st.st_mode & S_IFMT {
        case S_IFDIR: want = directoryMode
        case S_IFREG: want = fileMode
        default: return
        }
        if st.st_mode & 0o777 != want { _ = chmod(path, want) }
    }

    /// Tightens a directory Mailroom owns and everything below it (symbolic links are not followed): the stage
    /// folders of an existing run directory opened for writing.
    public static func tightenTree(_ path: String) {
        tighten(path: path)
        tightenBelow(path, depth: 0)
    }

    private static func tightenBelow(_ dir: String, depth: Int) {
        guard depth < 32, let d = opendir(dir) else { return }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = String(decoding: FileTree.nameBytes(ent), as: UTF8.self)
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(d)
        for name in names {
            let p = dir + "/" + name
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }
            tighten(path: p)
            if st.st_mode & S_IFMT == S_IFDIR { tightenBelow(p, depth: depth + 1) }
        }
    }

    /// `mkdir(2)` of one directory, 0700 whatever the umask. Returns 0, or the `errno` (`EEXIST` when the name
    /// is taken).
    static func makeDirectory(_ path: String) -> Int32 {
        guard mkdir(path, directoryMode) == 0 else { return errno }
        _ = chmod(path, directoryMode)
        return 0
    }

    /// `mkdir -p` with every directory it creates 0700 whatever the umask; the last one, when it already
    /// exists and is ours, is tightened to 0700 (it holds what Mailroom is about to write) unless `tightenLast`
    /// is false. Directories above it that exist are left as they are. Throws `FileError` naming the directory
    /// that could not be made.
    static func makeDirectories(_ path: String, tightenLast: Bool = true) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for (i, part) in parts.enumerated() {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            let e = makeDirectory(prefix)
            if e == 0 { continue }
            var st = stat()
            guard e == EEXIST, stat(prefix, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw FileError(path: prefix, errno: e == EEXIST ? ENOTDIR : e)
            }
            if tightenLast && i == parts.count - 1 { tighten(path: prefix) }
        }
    }

    /// Writes a whole file atomically and privately (0600): a temporary file beside it, synced, renamed over
    /// `path`. For a run directory's small files (the manifest, the report) and files outside it (`--out`
    /// reports, CSV exports). Throws `.localIO` naming `shown` (default `path`); the temporary file is removed
    /// on failure.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, shown: String? = nil) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC)
        if fd < 0 { throw IOFailure.from(errno: errno, path: shown ?? path, doing: "create") }
        TempFiles.add(temp)  // a second signal removes it before exiting
        defer { TempFiles.remove(temp) }
        var err: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; err = errno; return }
                off += n
            }
        }
        if err == 0 && fsync(fd) != 0 { err = errno }
        close(fd)
        if err == 0 && rename(temp, path) != 0 { err = errno }
        if err != 0 {
            unlink(temp)
            throw IOFailure.from(errno: err, path: shown ?? path, doing: "write")
        }
    }
}
