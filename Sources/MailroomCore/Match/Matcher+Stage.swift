/// Match's second pass as a stage step: each deduplicated message with its thread in, its participant links out
/// (`match/links.ndjson`); at the end the thread records, sorted by thread id (`match/threads.ndjson`), then the
/// unmatched addresses, most messages first (`match/unmatched.ndjson`).
extension Matcher: StageStep {
    /// One message of match's second pass: its fields and what threading decided for it.
    public struct Input {
        public var message: DedupedMatchFields
        public var threadId: String
        /// Threading placed it in its thread by subject.
        public var joinedBySubject: Bool

        public init(_ message: DedupedMatchFields, threadId: String, joinedBySubject: Bool) {
            self.message = message
            self.threadId = threadId
            self.joinedBySubject = joinedBySubject
        }
    }

    public enum Output {
        case link(ParticipantLink)
        case thread(ThreadRecord)
        case unmatched(UnmatchedAddress)
    }

    public mutating func feed(_ input: Input, emit: (Output) throws -> Void) rethrows {
        for l in add(input.message, threadId: input.threadId, joinedBySubject: input.joinedBySubject) {
            try emit(.link(l))
        }
    }

    public mutating func finish(emit: (Output) throws -> Void) rethrows {
        let unmatched = try finish(threads: { try emit(.thread($0)) })
        for u in unmatched { try emit(.unmatched(u)) }
    }
}
