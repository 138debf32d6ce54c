#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CRMStore {
    /// Files SQLite keeps beside the store (`-wal`, `-shm`, `-journal`) and the store's lock file.
    static func companionPaths(of path: String) -> [String] {
        [path + "-wal", path + "-shm", path + "-journal", lockPath(for: path)]
    }

    /// Before a store is opened for writing: a new store file is created empty with mode 0600, so SQLite, which
    /// gives its `-wal`, `-shm` and `-journal` files the store file's mode, makes them 0600 too (SQLite would
    /// create the store itself with 0644 less the umask). An existing store of ours and its companion files
    /// are tightened to 0600 (a store an older version left readable by others). Failures are left to SQLite
    /// to report when it opens the file.
    static func makePrivate(path: String) {
        var st = stat()
        if lstat(path, &st) != 0 && errno == ENOENT {
            let fd = PrivateFiles.open(path, O_RDWR | O_CREAT | O_EXCL)
            if fd >= 0 { close(fd) }
            return
        }
        PrivateFiles.tighten(path: path)
        for p in companionPaths(of: path) { PrivateFiles.tighten(path: p) }
    }
}
