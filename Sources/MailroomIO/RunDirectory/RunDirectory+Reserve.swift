import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MailroomCore

extension RunDirectory {
    /// Creates a new, empty run directory (0700) under `parent` (made 0700 when missing) named for the time to the
    /// microsecond (`WallClock.runName()` + `suffix`): `20261126T081500.123456Z`. The name is taken with one
    /// `mkdir`, which fails when the name exists, so two runs started at once — in this process or in two —
    /// never share a directory: the later one retries with `-2`, `-3`, … after the same name, which sort after
    /// it. Names sort by start time.
    public static func reserve(in parent: URL, suffix: String = "") throws -> URL {
        do {
            try PrivateFiles.makeDirectories(parent.path, tightenLast: false)
        } catch let e as FileError {
            throw MailroomError(.localIO, "cannot create the runs folder: \(e.reason)", location: parent.path)
        }
        let base = WallClock.runName() + suffix
        for k in 1...1000 {
            let url = parent.appendingPathComponent(k == 1 ? base : "\(base)-\(k)")
            let err = PrivateFiles.makeDirectory(url.path)
            if err == 0 {
                Reserved.shared.insert(url.standardizedFileURL.path)
                return url
            }
            guard err == EEXIST else {
                throw MailroomError(.localIO, "cannot create the run directory: \(String(cString: strerror(err)))",
                                    location: url.path)
            }
        }
        throw MailroomError(.localIO, "cannot create the run directory: 1000 names taken", location: parent.path)
    }

    /// Removes a directory `reserve` made when it is still empty (the run failed before writing anything in it).
    /// Directories named with `--run-dir` are never touched.
    public static func releaseIfReservedAndEmpty(_ url: URL) {
        let path = url.standardizedFileURL.path
        guard Reserved.shared.remove(path) else { return }
        rmdir(path)  // fails, leaving it, unless empty
    }

    /// The directories this process reserved.
    private final class Reserved: @unchecked Sendable {  // safe: `paths` is used under `lock` only
        static let shared = Reserved()
        private let lock = NSLock()
        private var paths = Set<String>()

        func insert(_ p: String) { lock.withLock { _ = paths.insert(p) } }
        func remove(_ p: String) -> Bool { lock.withLock { paths.remove(p) != nil } }
    }
}
