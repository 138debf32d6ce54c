#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MailroomIO

/// A clock that moves only when told to, and a sink that keeps what was written.
final class FakeTerminal: @unchecked Sendable {
    var nanoseconds: UInt64 = 1_000
    var writes: [String] = []
    var clockReads = 0

    func reporter(enabled: Bool = true) -> ProgressReporter {
        ProgressReporter(enabled: enabled, now: { self.clockReads += 1; return self.nanoseconds }, write: { self.writes.append($0) })
    }
}

@Suite struct ProgressReporterTests {
    @Test func theLineShowsCountRateAndTimeLeft() {
        let line = ProgressReporter.line(stage: "normalize", done: 12_345, total: 12_345 + 96_600,
                                         elapsedNanoseconds: 5_000_000_000, doneInStage: 11_500)
        #expect(line == "normalize: 12,345 messages, 2,300/s, ~0:42 left")
    }

    @Test func rateAndTimeLeftWaitForHalfASecondAndAKnownTotal() {
        #expect(ProgressReporter.line(stage: "extract", done: 10, total: 100, elapsedNanoseconds: 100_000_000, doneInStage: 10)
            == "extract: 10 messages")
        #expect(ProgressReporter.line(stage: "extract", done: 3_000, total: nil, elapsedNanoseconds: 2_000_000_000, doneInStage: 3_000)
            == "extract: 3,000 messages, 1,500/s")
        #expect(ProgressReporter.line(stage: "load", done: 10, total: 3_610, elapsedNanoseconds: 10_000_000_000, doneInStage: 10)
            == "load: 10 messages, 1/s, ~1:00:00 left")
    }

    @Test func stageNamesHaveTheirControlCharactersEscaped() {
        #expect(ProgressReporter.line(stage: "x\u{1B}[2Jy", done: 1, total: nil, elapsedNanoseconds: 0, doneInStage: 0) == "x\\x1B[2Jy: 1 messages")
    }

    @Test func aDisabledReporterWritesNothingAndReadsNoClock() {
        let t = FakeTerminal()
        let p = t.reporter(enabled: false)
        for i in 0..<10_000 { t.nanoseconds += 1_000_000; p.update(stage: "normalize", done: i, total: 10_000) }
        p.finish()
        #expect(t.writes.isEmpty)
        #expect(t.clockReads == 0)
    }

    @Test func updatesAreRateLimitedToFourASecondAndTheClockIsReadSparingly() {
        let t = FakeTerminal()
        let p = t.reporter()
        // 20,000 records at 1 ms each: 20 s of virtual time.
        for i in 1...20_000 {
            t.nanoseconds += 1_000_000
            p.update(stage: "normalize", done: i, total: 20_000)
        }
        #expect(t.writes.count <= 20 * ProgressReporter.maxUpdatesPerSecond + 1)
        #expect(t.writes.count >= 60)
        #expect(t.clockReads < 2_000)
        #expect(t.writes.allSatisfy { $0.hasPrefix("\rnormalize: ") && $0.hasSuffix("\u{1B}[K") })
        #expect(t.writes.last?.contains("1,000/s") == true)
        p.finish()
        #expect(t.writes.last == "\r\u{1B}[K")
    }

    @Test func theStrideShrinksAgainWhenRecordsSlowDown() {
        let t = FakeTerminal()
        let p = t.reporter()
        for i in 1...5_000 { t.nanoseconds += 100_000; p.update(stage: "extract", done: i) }
        let fastStride = p.checkEvery
        for i in 5_001...(5_000 + fastStride + 1) { t.nanoseconds += 500_000_000; p.update(stage: "extract", done: i) }
        #expect(fastStride > 64 && fastStride <= ProgressReporter.maxStride)
        #expect(p.checkEvery == 1)
    }

    @Test func aNewStageRestartsTheRate() {
        let t = FakeTerminal()
        let p = t.reporter()
        for i in 1...3_000 { t.nanoseconds += 1_000_000; p.update(stage: "extract", done: i) }
        for i in 1...3_000 { t.nanoseconds += 10_000_000; p.update(stage: "match", done: i) }
        #expect(t.writes.last?.hasPrefix("\rmatch: ") == true)
        #expect(t.writes.last?.contains("100/s") == true)
    }

    @Test func quietOrANonTerminalStderrDisablesTheDefaultReporter() {
        #expect(!ProgressReporter(quiet: true).isEnabled)
        #expect(ProgressReporter(quiet: false).isEnabled == (isatty(2) != 0 && getenv("TERM").map { String(cString: $0) } != "dumb"))
    }

    @Test func finishWritesNothingWhenNothingWasDrawn() {
        let t = FakeTerminal()
        t.reporter().finish()
        #expect(t.writes.isEmpty)
    }
}
