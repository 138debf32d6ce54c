/// Which thread each message identity belongs to: a thread number per `ThreadBuilder.add` call (4 bytes each)
/// and one packed id per thread (8 bytes, see `ThreadIdDigest`), plus, unless the builder was told not to keep
/// them, the keys.
public struct ThreadAssignment: Sendable {
    /// Thread ids by thread number (numbered in key order of their messages).
    private let threadIds: [UInt64]
    private let threadOfInput: [Int32]
    private var keys = StringTable()
    /// Thread number by canonical key id (-1 for the NFC forms the table adds).
    private var threadOfKey: [Int32] = []

    init(threadIds: [UInt64], threadOfInput: [Int32], keys: [(String, Int32)]) {
        self.threadIds = threadIds
        self.threadOfInput = threadOfInput
        for (key, thread) in keys {
            let spelling = self.keys.intern(key)
            let id = self.keys.canonical(spelling)
            if threadOfKey.count < self.keys.count {
                threadOfKey.append(contentsOf: repeatElement(-1, count: self.keys.count - threadOfKey.count))
            }
            threadOfKey[Int(id)] = thread
        }
    }

    /// The thread of a message key (nil when the key was not added, or when keys were not kept).
    public func threadId(for key: String) -> String? {
        guard let id = keys.find(key) ?? keys.find(ICU.nfc(key)) else { return nil }
        let t = threadOfKey[Int(keys.canonical(id))]
        return t < 0 ? nil : ThreadIdDigest.string(threadIds[Int(t)])
    }

    /// The thread of the message given in the `index`-th call of `ThreadBuilder.add` (counting from 0), nil past
    /// the last one. A run reads the same file in the same order twice, so the line number finds the thread.
    public func threadId(forInput index: Int) -> String? {
        index >= 0 && index < threadOfInput.count ? ThreadIdDigest.string(threadIds[Int(threadOfInput[index])]) : nil
    }

    /// Number of threads holding at least one message.
    public var threadCount: Int { Set(threadIds).count }
}
