import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailroomCore

/// A one-line progress display for long stages: `normalize: 12,345 messages, 2,300/s, ~0:42 left`, redrawn in
/// place on stderr. It draws only when stderr is a terminal and not `quiet`, never on stdout, at most
/// `maxUpdatesPerSecond` times a second, and `finish()` erases the line.
///
/// `update` is meant to be called for every record from a stage loop: when disabled it returns at once, and
/// otherwise it reads the clock only every `checkEvery` calls, a stride that adapts so the clock is read about
/// every 25–100 ms whatever the record rate (at most `maxStride` calls apart). Meant for one loop at a time:
/// copies of a `RunDirectory` read on another thread set `progress` to nil, so that one line shows one stage.
// @unchecked Sendable: every mutable field is read and written only while `lock` is held (a disabled reporter
// has none to touch and returns before taking it), so threads that share a reporter cannot race on it.
public final class ProgressReporter: @unchecked Sendable {
    public static let maxUpdatesPerSecond = 4
    /// The most calls between two clock reads: after a sudden slowdown the line may lag by this many records.
    static let maxStride = 4_096

    public let isEnabled: Bool
    private let unit: String
    private let now: () -> UInt64
    private let write: (String) -> Void

    private var countdown = 1
    private(set) var checkEvery = 1
    private var lastCheck: UInt64?
    private var lastDraw: UInt64?
    private var stage = ""
    private var stageStart: UInt64 = 0
    private var stageStartDone = 0
    private var drawn = false
    private let lock = NSLock()

    /// Progress on stderr when it is a terminal (and `TERM` is not `dumb`), unless `quiet`.
    public convenience init(quiet: Bool, unit: String = "messages") {
        let term = getenv("TERM").map { String(cString: $0) }
        let enabled = !quiet && isatty(2) != 0 && term != "dumb"
        self.init(enabled: enabled, unit: unit, now: ProgressReporter.monotonicNanoseconds, write: ProgressReporter.writeToStderr)
    }

    /// A reporter with its own clock (nanoseconds, monotonic) and sink, for tests and other front ends.
    public init(enabled: Bool, unit: String = "messages", now: @escaping () -> UInt64, write: @escaping (String) -> Void) {
        isEnabled = enabled
        self.unit = unit
        self.now = now
        self.write = write
    }

    /// Reports that `stage` has handled `done` records of `total` (nil when the total is not known yet).
    @inline(__always)
    public func update(stage: String, done: Int, total: Int? = nil) {
        guard isEnabled else { return }
        lock.lock()
        defer { lock.unlock() }
        countdown -= 1
        if countdown > 0 { return }
        check(stage: stage, done: done, total: total)
    }

    /// Erases the progress line, if one was drawn. Call it when the run ends or before printing anything else
    /// to stderr.
    public func finish() {
        guard isEnabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard drawn else { return }
        write("\r\u{1B}[K")
        drawn = false
        lastDraw = nil
    }

    private func check(stage: String, done: Int, total: Int?) {
        let t = now()
        // Adapt the stride: read the clock about every 25-100 ms.
        if let lastCheck {
            let since = t &- lastCheck
            if since < 25_000_000 {
                checkEvery = min(checkEvery * 2, Self.maxStride)
            } else if since > 100_000_000 {
                // Records slowed down: aim straight for one read per 50 ms at the new rate.
                checkEvery = max(1, Int(Double(checkEvery) * 50_000_000 / Double(since)))
            }
        }
        lastCheck = t
        countdown = checkEvery
        if stage != self.stage {
            self.stage = stage
            stageStart = t
            stageStartDone = done
        }
        if let last = lastDraw, t &- last < 1_000_000_000 / UInt64(Self.maxUpdatesPerSecond) { return }
        lastDraw = t
        drawn = true
        write("\r" + Self.line(stage: stage, done: done, total: total, elapsedNanoseconds: t &- stageStart,
                               doneInStage: done - stageStartDone, unit: unit) + "\u{1B}[K")
    }

    /// The progress text: the rate once half a second has passed, and the time left when the total is known.
    static func line(stage: String, done: Int, total: Int?, elapsedNanoseconds: UInt64, doneInStage: Int,
                     unit: String = "messages") -> String {
        var s = TerminalText.clean(stage) + ": " + NumberText.grouped(done) + " " + unit
        let seconds = Double(elapsedNanoseconds) / 1e9
        guard seconds >= 0.5, doneInStage > 0 else { return s }
        let rate = Double(doneInStage) / seconds
        s += ", " + NumberText.grouped(Int(rate.rounded())) + "/s"
        if let total, total > done {
            s += ", ~" + NumberText.clock(seconds: Int((Double(total - done) / rate).rounded(.up))) + " left"
        }
        return s
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func writeToStderr(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = posixWrite(2, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

private func posixWrite(_ fd: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}
