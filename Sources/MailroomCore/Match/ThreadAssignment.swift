/// Which thread each message identity belongs to: a thread number per `ThreadBuilder.add` call (4 bytes each)
/// and one packed id per thread (8 bytes, see `ThreadIdDigest`), plus, unless the builder was told not to keep
/// them, the keys.
public struct ThreadAssignment: Sendable {
    /// Thread ids by thread number (numbered in key order of their messages).
    private let threadIds: [UInt64]
    private let threadOfInput: [Int32]
    /// Thread number by message key (empty when the builder was told not to keep keys).
    private var threadOfKey = StringMap()
    /// Inputs (by `add` call) that joined their thread by subject, and their keys when keys are kept.
    private let joinedInputs: Set<Int32>
    private let joinedKeys: Set<String>

    /// The ids every thread covers, and a thread number by packed id to find them.
    private let coverage: ThreadCoverage
    private var threadOfDigest: [UInt64: Int32] = [:]

    init(threadIds: [UInt64], threadOfInput: [Int32], keys: [(String, Int32)], joinedBySubject: Set<Int32> = [],
         coverage: ThreadCoverage = .empty, joinedKeys: Set<String> = [], subjectJoins: Int = 0) {
        self.coverage = coverage
        threadOfDigest.reserveCapacity(threadIds.count)
        for (t, d) in threadIds.enumerated() where threadOfDigest[d] == nil { threadOfDigest[d] = Int32(t) }
        self.subjectJoins = subjectJoins
        self.threadIds = threadIds
        self.threadOfInput = threadOfInput
        self.joinedInputs = joinedBySubject
        self.joinedKeys = joinedKeys
        threadOfKey.reserveCapacity(keys.count)
        for (key, thread) in keys { threadOfKey.set(key, to: thread) }
    }

    /// The thread of a message key (nil when the key was not added, or when keys were not kept).
    public func threadId(for key: String) -> String? {
        threadOfKey.value(for: key).map { ThreadIdDigest.string(threadIds[Int($0)]) }
    }

    /// The root's id and every id (sorted) the thread covers: the name of each container of its tree (see
    /// `ThreadRecord.ids`). Nil for an id this assignment did not make.
    public func ids(ofThread threadId: String) -> (root: String, ids: [String])? {
        guard let d = ThreadIdDigest.parse(threadId), let t = threadOfDigest[d] else { return nil }
        return coverage.ids(ofThread: Int(t))
    }

    /// The thread of the message given in the `index`-th call of `ThreadBuilder.add` (counting from 0), nil past
    /// the last one. A run reads the same file in the same order twice, so the line number finds the thread.
    public func threadId(forInput index: Int) -> String? {
        index >= 0 && index < threadOfInput.count ? ThreadIdDigest.string(threadIds[Int(threadOfInput[index])]) : nil
    }

    /// Whether the message of the `index`-th `add` call joined its thread by subject (a header-less reply placed
    /// in an earlier thread of the same base subject; see `ThreadBuilder+Subject.swift`).
    public func joinedBySubject(forInput index: Int) -> Bool {
        !joinedInputs.isEmpty && joinedInputs.contains(Int32(truncatingIfNeeded: index))
    }

    /// Whether the message with this key joined its thread by subject (false when keys were not kept).
    public func joinedBySubject(key: String) -> Bool { joinedKeys.contains(key) }

    /// How many message identities joined a thread by subject.
    public let subjectJoins: Int

    /// Number of threads holding at least one message.
    public var threadCount: Int { Set(threadIds).count }
}
