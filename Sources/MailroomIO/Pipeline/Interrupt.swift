import Dispatch
import Foundation
import MailroomCore

/// SIGINT and SIGTERM during a run: the signal only sets a flag (from a dispatch signal source, not in signal
/// context); each stage checks it at its safe points — between batches, after a load batch commits — and stops
/// there with `InterruptedError`. Unwinding closes and deletes every temporary file (NDJSON writers remove theirs
/// on deinit; `TempFiles` holds the rest for a second signal); the command marks the run `interrupted` in the run
/// log with the stage it reached and exits 130 (SIGINT) or 143 (SIGTERM). A second signal before a safe point
/// is reached removes the temporary files and exits at once with the same code.
public enum Interrupt {
    private static let state = State()

    /// Installs the handlers (once). Commands that run stages call it first; others keep the default action.
    public static func install() {
        state.install()
    }

    /// The signal received (SIGINT or SIGTERM), or nil.
    public static var received: Int32? { state.signal }

    /// A safe point of `stage`: throws `InterruptedError` when a signal has arrived.
    public static func check(_ stage: Stage) throws {
        if let s = state.signal { throw InterruptedError(signal: s, stage: stage) }
    }

    /// Sleeps `seconds`, or less when SIGINT or SIGTERM arrives first: a backoff or a rate limit's pause never
    /// holds a stop back (the caller then reaches `check`).
    public static func sleep(_ seconds: Double) {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
        while state.signal == nil {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= end { return }
            usleep(UInt32(min(50_000, (end - now) / 1_000)))
        }
    }

    /// A safe point of `stage` between two batches: the process fault hook's point `<stage>.safe-point` (crash
    /// and signal tests), then `check`.
    public static func safePoint(_ stage: Stage) throws {
        try FaultHook.process.hit(safePointNames[stage]!)
        try check(stage)
    }

    private static let safePointNames = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0, "\($0.rawValue).safe-point") })

    private final class State: @unchecked Sendable {  // safe: `value` and `sources` are used under `lock` only
        private let lock = NSLock()
        private var value: Int32?
        private var sources: [DispatchSourceSignal] = []

        var signal: Int32? {
            lock.lock(); defer { lock.unlock() }
            return value
        }

        func install() {
            lock.lock(); defer { lock.unlock() }
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                // The dispatch source sees the signal only once its default action (ending the process) is off.
                Foundation.signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in received(sig) }
                source.resume()
                sources.append(source)
            }
        }

        private func received(_ sig: Int32) {
            lock.lock()
            let first = value == nil
            if first { value = sig }
            lock.unlock()
            if !first {
                TempFiles.removeAll()
                FileHandle.standardError.write(Data("mailroom: stopped at once by a second signal\n".utf8))
                _exit(128 + sig)
            }
        }
    }
}

/// A run stopped by SIGINT or SIGTERM at a safe point of `stage`.
public struct InterruptedError: Error, Sendable, CustomStringConvertible {
    public var signal: Int32
    public var stage: Stage

    public init(signal: Int32, stage: Stage) {
        self.signal = signal
        self.stage = stage
    }

    public var signalName: String { signal == SIGTERM ? "SIGTERM" : "SIGINT" }
    /// 130 for SIGINT, 143 for SIGTERM (128 + the signal number, as shells report it).
    public var status: ExitStatus { signal == SIGTERM ? .terminated : .interrupted }

    public var description: String {
        "interrupted by \(signalName) during \(stage.rawValue): stopped at a safe point, temporary files removed"
    }
}

/// Temporary files being written (`.NAME.tmp-PID`), so that a second signal can remove them before exiting.
enum TempFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []  // safe: used under `lock` only

    static func add(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.insert(path)
    }

    static func remove(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths.remove(path)
    }

    static func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for p in paths { unlink(p) }
        paths.removeAll()
    }
}
