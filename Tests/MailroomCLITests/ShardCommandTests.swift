import Foundation
import Testing

/// `mailroom run PIPELINE --mailbox NAME --shard I/N`: the N shards of a file mailbox together extract every copy of
/// it exactly once (dry runs of the sample Maildir, an mbox and a folder of .eml files); bad values are one line,
/// exit 2.
struct ShardCommandTests {
    /// A pipeline with the sample Maildir (`maildir`), an mbox made of its messages (`mbox`) and an .eml folder of
    /// them (`eml`).
    static func pipeline() throws -> URL {
        let dir = MailroomProcess.tempDir("mailroom-shard")
        let fm = FileManager.default
        let sample = MailroomProcess.repoRoot.appendingPathComponent("sample-data/mailbox")
        try fm.copyItem(at: sample, to: dir.appendingPathComponent("maildir"))
        try fm.createDirectory(at: dir.appendingPathComponent("eml"), withIntermediateDirectories: true)
        var mbox = Data()
        var n = 0
        for sub in ["cur", "Sent/cur", "Archive/2026/cur"] {
            let folder = sample.appendingPathComponent(sub)
            for name in try fm.contentsOfDirectory(atPath: folder.path).sorted() {
                let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
                n += 1
                try bytes.write(to: dir.appendingPathComponent("eml/m\(n).eml"))
                mbox.append(Data("From sender@example.com Mon Nov 16 10:00:00 2026\n".utf8))
                mbox.append(bytes)
                mbox.append(Data("\n".utf8))
            }
        }
        try mbox.write(to: dir.appendingPathComponent("all.mbox"))
        let owner = "owner: [dana.reyes@northwind.example]"
        try """
            name: shards
            mailboxes:
              - {name: maildir, source: maildir, path: maildir, \(owner)}
              - {name: mbox, source: mbox, path: all.mbox, \(owner)}
              - {name: eml, source: eml, path: eml, \(owner)}
            ownDomains: [northwind.example]
            backfillDays: 3650

            """.write(to: dir.appendingPathComponent("p.yml"), atomically: false, encoding: .utf8)
        return dir
    }

    /// The copy ids a dry run extracted, from its `extract/messages.ndjson`.
    static func copyIds(_ args: [String], _ dir: URL, runDir: String) throws -> [String] {
        let r = try MailroomProcess.run(["run", dir.appendingPathComponent("p.yml").path, "--dry-run", "--quiet",
                                         "--as-of", "2026-11-20", "--run-dir", dir.appendingPathComponent(runDir).path] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("\(runDir)/extract/messages.ndjson"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            guard let data = line.data(using: .utf8),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return o["copyId"] as? String
        }
    }

    @Test(arguments: ["maildir", "mbox", "eml"])
    func theShardsOfAMailboxTakeEveryCopyExactlyOnce(mailbox: String) throws {
        let dir = try Self.pipeline()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = try Self.copyIds(["--mailbox", mailbox], dir, runDir: "whole")
        #expect(all.count > 50)
        var union: [String] = []
        for i in 1...3 {
            let part = try Self.copyIds(["--mailbox", mailbox, "--shard", "\(i)/3"], dir, runDir: "s\(i)")
            #expect(!part.isEmpty && part.count < all.count)
            union += part
            let manifest = try String(contentsOf: dir.appendingPathComponent("s\(i)/manifest.json"), encoding: .utf8)
            #expect(manifest.contains("\"shard\":\"\(i)/3\""))
        }
        #expect(union.count == all.count)
        #expect(Set(union) == Set(all))
        // The same split every time.
        let again = try Self.copyIds(["--mailbox", mailbox, "--shard", "2/3"], dir, runDir: "s2again")
        #expect(again == (try Self.copyIds(["--mailbox", mailbox, "--shard", "2/3"], dir, runDir: "s2twice")))
    }

    @Test(arguments: [
        (["--mailbox", "maildir", "--shard", "0/3"], "--shard 0/3: shards are numbered 1 to 3"),
        (["--mailbox", "maildir", "--shard", "4/3"], "--shard 4/3: shards are numbered 1 to 3"),
        (["--mailbox", "maildir", "--shard", "1/0"], "--shard 1/0: the number of shards must be between 1 and 4096"),
        (["--mailbox", "maildir", "--shard", "two/3"], "--shard must be I/N (the I-th of N shards, for example 2/8), not 'two/3'"),
        (["--shard", "1/3"], "--shard 1/3 needs --mailbox NAME: a shard is a part of one mailbox"),
    ])
    func aBadShardIsOneLineAndExit2(args: [String], message: String) throws {
        let dir = try Self.pipeline()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try MailroomProcess.run(["run", dir.appendingPathComponent("p.yml").path, "--dry-run", "--quiet"] + args)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("runs").path)) ?? []
        #expect(runs.isEmpty)
    }
}
