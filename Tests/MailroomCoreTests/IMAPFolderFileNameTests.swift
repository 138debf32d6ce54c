import Foundation
import Testing
@testable import MailroomCore

/// Raw IMAP files are named after their folder (`extract/raw/<mailbox>/<folder>-<uidvalidity>.raw`): the name is
/// bounded whatever the script, and distinct folders keep distinct names.
@Suite struct IMAPFolderFileNameTests {
    /// 43 characters, 38 of them Cyrillic letters (a Russian team's folder): 243 bytes of `safeName`.
    static let cyrillic = "Переписка с клиентами и партнёрами компании"
    /// 27 CJK characters (a Chinese sales folder): each is 3 UTF-8 bytes, 9 bytes of `safeName`, 243 in all.
    static let cjk = "客户往来邮件存档二零二六年第一季度销售部门重要合同附件"

    /// The longest name a raw folder's files get: the `.copies.ndjson` journal with the largest UIDVALIDITY.
    static func journalName(_ folder: String) -> String {
        "\(IMAPFolderChoice.fileName(folder))-\(UInt32.max).copies.ndjson"
    }

    /// `%XX` escapes back to bytes: what the name keeps of the folder name.
    static func unescaped(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(name.utf8)[...]
        while let b = bytes.first {
            if b == UInt8(ascii: "%"), bytes.count >= 3, let v = UInt8(String(decoding: bytes.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(3)
            } else {
                out.append(b)
                bytes = bytes.dropFirst()
            }
        }
        return out
    }

    @Test(arguments: [cyrillic, cjk])
    func aLongNonLatinFolderNameGivesAFileNameWithinTheLimit(folder: String) throws {
        // Spelled as before, the journal's name would be past 255 bytes (the mailbox failed with exit 5).
        #expect("\(IMAPFolderChoice.safeName(folder))-\(UInt32.max).copies.ndjson".utf8.count > 255)
        let name = IMAPFolderChoice.fileName(folder)
        #expect(name.utf8.count <= IMAPFolderChoice.maxFileNameBytes)
        #expect(Self.journalName(folder).utf8.count <= 255)
        // A readable prefix of the folder name, cut between whole characters, then `~` and 16 hex digits.
        let parts = name.split(separator: "~")
        try #require(parts.count == 2)
        #expect(parts[1].count == 16 && parts[1].allSatisfy(\.isHexDigit))
        let kept = try #require(String(validating: Self.unescaped(String(parts[0])), as: UTF8.self))
        #expect(!kept.isEmpty && folder.hasPrefix(kept))
        #expect(IMAPFolderChoice.fileName(folder) == name, "the same folder always gets the same name")
    }

    @Test func foldersThatShareALongPrefixKeepDistinctNames() {
        let a = Self.cyrillic + " (1)", b = Self.cyrillic + " (2)"
        let c = Self.cjk + "一", d = Self.cjk + "二"
        let names = [a, b, c, d, Self.cyrillic, Self.cjk].map(IMAPFolderChoice.fileName)
        #expect(Set(names).count == names.count, "\(names)")
        #expect(names.allSatisfy { $0.utf8.count <= IMAPFolderChoice.maxFileNameBytes })
    }

    @Test func shortNamesAreSpelledAsBefore() {
        for folder in ["INBOX", "Sent Items", "[Gmail]/Sent Mail", "Archive/2026", "Отправленные", "已发送"] {
            #expect(IMAPFolderChoice.fileName(folder) == IMAPFolderChoice.safeName(folder))
        }
        #expect(IMAPFolderChoice.fileName("Sent Items") == "Sent%20Items")
    }

    @Test func aLongASCIIFolderNameIsBoundedToo() {
        let folder = String(repeating: "Projects/", count: 40) + "Escalations"
        let name = IMAPFolderChoice.fileName(folder)
        #expect(name.utf8.count == IMAPFolderChoice.maxFileNameBytes)
        #expect(name.hasPrefix("Projects%2FProjects%2F"))
    }

    /// A mailbox name names a folder of the run directory (`extract/raw/<mailbox>/`): letters of any script are
    /// allowed, so its length is bounded in bytes, with the line of the pipeline file.
    @Test func aMailboxNameOverTheLimitIsAPipelineFileError() throws {
        func yaml(_ name: String) -> String {
            "name: p\nownDomains: [example.com]\nmailbox:\n  name: \(name)\n  source: mbox\n  path: a.mbox\n  owner: [me@example.com]\n"
        }
        let fits = String(repeating: "ж", count: PipelineConfig.maxMailboxNameBytes / 2)
        #expect(try PipelineConfig.parse(yaml: yaml(fits), file: "p.yml").mailboxes.first?.name == fits)
        let long = String(repeating: "ж", count: PipelineConfig.maxMailboxNameBytes / 2 + 1)
        #expect(throws: ConfigError.self) { try PipelineConfig.parse(yaml: yaml(long), file: "p.yml") }
        do {
            _ = try PipelineConfig.parse(yaml: yaml(long), file: "p.yml")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues.first?.line == 4)
            #expect(error.description.contains("is 66 bytes long; at most 64 bytes"), "\(error)")
        }
    }
}
