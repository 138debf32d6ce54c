import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A crash at a named commit point, thrown by an in-process fault hook in tests.
public struct SimulatedCrash: Error, Equatable, CustomStringConvertible {
    public var point: String
    public var description: String { "simulated crash at \(point)" }
}

/// Named commit points where a load can be interrupted, for crash tests. The loader calls `hit(point)` at each;
/// the process hook (`FaultHook.process`) exits the process with status 70 at the n-th occurrence of the point
/// named by `MAILROOM_FAULT=point:n` (debug builds only); tests inject a hook that throws `SimulatedCrash`.
public struct FaultHook: Sendable {
    /// Every point the loader passes, in the order it passes them.
    public static let loadPoints = ["load.start", "load.batch.beforeCommit", "load.batch.afterCommit",
                                    "load.finish", "load.finish.afterCommit"]

    private let body: @Sendable (String) throws -> Void

    public init(_ body: @escaping @Sendable (String) throws -> Void) { self.body = body }

    public func hit(_ point: String) throws { try body(point) }

    /// Does nothing.
    public static let none = FaultHook { _ in }

    /// Throws `SimulatedCrash` at the `occurrence`-th (1-based) time `point` is hit.
    public static func throwing(at point: String, occurrence: Int) -> FaultHook {
        let counter = Counter()
        return FaultHook { p in
            guard p == point else { return }
            if counter.next() == occurrence { throw SimulatedCrash(point: p) }
        }
    }

    /// The process-wide hook, for crash tests of the built binary (debug builds only; read once):
    /// `MAILROOM_FAULT=point:n` exits with status 70 at the n-th occurrence of `point`;
    /// `point:n:kill` sends the process SIGKILL there (the kernel ends it as `kill -9` would);
    /// `point:n:stop` stops it with SIGSTOP there, so that a test can `kill -9` it from outside while it holds
    /// the store's lock (and, before a commit, an open write transaction);
    /// `point:n:pause` waits there until SIGINT or SIGTERM has arrived (signal tests: the next safe point stops);
    /// `point:n:hang` waits there two minutes whatever arrives (a stage stuck before its next safe point: only a
    /// second signal ends it); `point:n:fail` throws a `.localIO` error there, as a store that cannot be
    /// written would.
    /// Without the variable, and in release builds, it does nothing.
    public static let process: FaultHook = {
        #if DEBUG
        guard let spec = ProcessInfo.processInfo.environment["MAILROOM_FAULT"] else { return .none }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let n = Int(parts[1]), n > 0 else { return .none }
        let point = parts[0]
        let action = parts.count > 2 ? parts[2] : "exit"
        let counter = Counter()
        return FaultHook { p in
            guard p == point, counter.next() == n else { return }
            FileHandle.standardError.write(Data("mailroom: fault injected at \(p):\(n) (\(action))\n".utf8))
            switch action {
            case "pause":
                // Waits (up to two minutes) for SIGINT or SIGTERM, so a test can signal the run at this point.
                for _ in 0..<12_000 where Interrupt.received == nil { usleep(10_000) }
            case "hang": for _ in 0..<12_000 { usleep(10_000) }
            case "fail": throw MailroomError(.localIO, "simulated failure at \(p)")
            case "kill": kill(getpid(), SIGKILL)
            case "stop": kill(getpid(), SIGSTOP)
            default: _exit(70)
            }
        }
        #else
        return .none
        #endif
    }()

    private final class Counter: @unchecked Sendable {  // safe: `n` is read and written under `lock` only
        private let lock = NSLock()
        private var n = 0
        func next() -> Int {
            lock.lock(); defer { lock.unlock() }
            n += 1
            return n
        }
    }
}
