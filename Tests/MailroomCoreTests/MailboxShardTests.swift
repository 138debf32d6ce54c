import Testing
@testable import MailroomCore

/// `MailboxShard`: the split is a documented function of the copy id (pinned values: a shard split started by one
/// version must not move under the next), every id in exactly one shard, and `I/N` parsed strictly.
struct MailboxShardTests {
    @Test func theHashIsFNV1aWithTheSplitMixFinishAndItsValuesArePinned() {
        #expect(MailboxShard.hash("sales/INBOX/1700000000.M1P2.host") == 11_788_088_807_002_788_555)
        #expect(MailboxShard.hash("") == 17_665_956_581_633_026_203)
        #expect(MailboxShard.hash("a") == 198_367_012_849_983_736)
        #expect(MailboxShard(index: 4, count: 8)!.contains(copyId: "sales/INBOX/1700000000.M1P2.host"))
        #expect(MailboxShard(index: 1, count: 8)!.contains(copyId: "a"))
    }

    @Test func everyCopyIsInExactlyOneShardAndTheShardsAreAboutEven() {
        let shards = (1...7).map { MailboxShard(index: $0, count: 7)! }
        var sizes = [Int](repeating: 0, count: 7)
        for i in 0..<7000 {
            let id = "box/INBOX/\(1_700_000_000 + i).M\(i)P\(i % 97).host"
            let owners = shards.filter { $0.contains(copyId: id) }
            #expect(owners.count == 1)
            if let o = owners.first { sizes[o.index - 1] += 1 }
        }
        #expect(sizes.allSatisfy { (850...1150).contains($0) }, "\(sizes)")
        #expect(MailboxShard(index: 1, count: 1)!.contains(copyId: "anything"))
    }

    @Test(arguments: ["1/1", "3/8", "4096/4096"])
    func validValuesParse(text: String) throws {
        #expect(try MailboxShard.parse(text).get().description == text)
    }

    @Test(arguments: ["0/8", "9/8", "1/0", "1/4097", "-1/2", "+1/2", "1/ 2", "1", "1/2/3", "a/b", "", "/", "١/٢"])
    func invalidValuesAreRefused(text: String) {
        #expect(throws: ShardError.self) { try MailboxShard.parse(text).get() }
    }
}
