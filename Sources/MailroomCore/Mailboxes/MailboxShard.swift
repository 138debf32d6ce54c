/// `--shard I/N`: one of N parts of a file mailbox, for a mailbox too large for one task. Shards are numbered 1 to
/// N. A copy belongs to shard `1 + h mod N`, where `h` is a fixed 64-bit hash (FNV-1a, then the SplitMix64
/// finalizer) of its copy id, which names the copy stably (Maildir folder and unique name, .eml path, the mbox
/// copy's header digest): the N shards of a mailbox together take every copy exactly once, whatever the machine,
/// run or order, and each takes about 1/N of them.
public struct MailboxShard: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    public static let maxCount = 4096

    public init?(index: Int, count: Int) {
        guard (1...Self.maxCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// Parses `I/N` (1 ≤ I ≤ N ≤ 4096); the error is one line saying what is wrong.
    public static func parse(_ text: String) -> Result<MailboxShard, ShardError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return .failure(ShardError("--shard must be I/N (the I-th of N shards, for example 2/8), not '\(text)'"))
        }
        guard (1...maxCount).contains(n) else {
            return .failure(ShardError("--shard \(text): the number of shards must be between 1 and \(maxCount)"))
        }
        guard let s = MailboxShard(index: i, count: n) else {
            return .failure(ShardError("--shard \(text): shards are numbered 1 to \(n)"))
        }
        return .success(s)
    }

    /// Whether the copy named `copyId` is in this shard.
    public func contains(copyId: String) -> Bool {
        count == 1 || Int(Self.hash(copyId) % UInt64(count)) + 1 == index
    }

    /// FNV-1a over the UTF-8 bytes, then SplitMix64's finalizer (so that every bit depends on every byte).
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}

/// A `--shard` value that is not `I/N` with 1 ≤ I ≤ N.
public struct ShardError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
