import Foundation
import MailroomCore

/// The wall clock, read only by the I/O layer.
public enum WallClock {
    public static func nowEpoch() -> Int64 { Int64(Date().timeIntervalSince1970) }

    public static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// CPU time (user + system) of the whole process so far, in milliseconds.
    public static func cpuMillis() -> Int64 {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        let us = Int64(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1_000_000 + Int64(u.ru_utime.tv_usec + u.ru_stime.tv_usec)
        return us / 1000
    }

    /// CPU time of the calling thread so far, in milliseconds.
    public static func threadCPUMillis() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }

    /// Peak resident memory of the process so far, in KiB.
    public static func maxRSSKB() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Int(u.ru_maxrss)
    }

    /// ISO 8601 UTC with milliseconds, for manifests and run logs: `2026-11-26T08:15:00.123Z`.
    ///
    /// Written from the epoch (`MailDate.iso`), as are `todayUTC` and `FileLock.isoUTC`: Foundation's
    /// `ISO8601DateFormatter`, `TimeZone` and `Calendar` load ICU's time-zone and calendar data, which stayed in
    /// the process's resident memory to its end (about 6 MiB of `lib_FoundationICU.so` pages in every run).
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int(ts.tv_nsec))
    }

    /// `timestamp()` of an instant (`nanoseconds` within the second: the milliseconds are cut, not rounded).
    static func timestamp(seconds: Int64, nanoseconds: Int) -> String {
        String(MailDate.iso(seconds).dropLast()) + String(format: ".%03dZ", nanoseconds / 1_000_000)
    }

    /// Today's date in UTC, YYYY-MM-DD.
    public static func todayUTC() -> String {
        String(MailDate.iso(nowEpoch()).prefix(10))
    }

    /// A run directory name for now, to the microsecond: `20261126T081500.123456Z`. Names sort by start time;
    /// `RunDirectory.reserve` makes them unique.
    public static func runName() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d%02d%02dT%02d%02d%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, Int32(ts.tv_nsec / 1000))
    }
}
