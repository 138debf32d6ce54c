#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// The process's limit of open files (`RLIMIT_NOFILE`, `ulimit -n`). A Maildir or .eml scan keeps message files
/// open ahead of the one it reads (`MessageFile.readAheadFiles`, `filesAhead`); a file that cannot be opened because the process ran out of descriptors is
/// not a fault of that file, so it stops the run with a clear message instead of being skipped as unreadable
/// (with `ulimit -n 40`, a 10,000-message Maildir once finished with exit 0 and 6,552 files skipped).
public enum OpenFileLimit {
    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// Raises the soft limit to the hard one (as servers and Go programs do at start), at most to 65,536: a
    /// shell's default soft limit (1,024, or less) is not a limit the user chose for Mailroom. Call once at start.
    public static func raise() {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 65_536)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = wanted
        _ = setrlimit(resource, &limit)
    }

    /// The soft limit now, or nil when it cannot be read.
    static func current() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }

    /// How many files a scan keeps open ahead: `wanted`, or fewer when the soft limit leaves less than twice that
    /// beyond 32 descriptors for the rest of the run (its files, logs, store), and at least one.
    static func filesAhead(_ wanted: Int) -> Int {
        filesAhead(wanted, limit: current())
    }

    /// The same for a soft limit of `limit` (nil: unknown).
    static func filesAhead(_ wanted: Int, limit: UInt64?) -> Int {
        guard let limit else { return wanted }
        return max(1, min(wanted, (Int(min(limit, 1 << 20)) - 32) / 2))
    }

    /// Throws a local-I/O error (exit 5) when `e` says the process or the system has no file descriptor left
    /// (`EMFILE`, `ENFILE`); returns for any other failure, which the caller handles as the file's own.
    static func check(_ e: FileError) throws {
        guard e.errno == EMFILE || e.errno == ENFILE else { return }
        let limit = current().map { " (ulimit -n is \($0))" } ?? ""
        throw MailroomError(.localIO, "cannot open more files: too many files open\(limit); raise the open-file limit and run again",
                            location: e.path)
    }
}
