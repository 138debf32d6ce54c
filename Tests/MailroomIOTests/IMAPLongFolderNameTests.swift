import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Folders with long non-Latin names (about 40 Cyrillic or 27 CJK characters are past 255 bytes once spelled for
/// a file name) are fetched into raw files with bounded names, and everything a backfill writes is private to
/// its owner (directories 0700, files 0600) even under the usual umask 022.
@Suite struct IMAPLongFolderNameTests {
    static let cyrillic = "Переписка с клиентами и партнёрами компании"
    static let cjk = "客户往来邮件存档二零二六年第一季度销售部门重要合同附件"

    @Test(arguments: [cyrillic, cjk])
    func aRawFolderWithALongNonLatinNameOpensAndCommits(folder: String) throws {
        let dir = StoreTempDir()
        let raw = try IMAPRawFolder(directory: dir.file("raw/work"), folder: folder, uidValidity: UInt64(UInt32.max), resume: nil)
        let locator = try raw.append(body: DovecotFixtures.message(1))
        raw.record(MessageCopy(copyId: "work/\(folder)/1", mailbox: "work", source: .imap, folder: folder,
                               locator: locator, flags: [], date: nil))
        let entry = try raw.commit(complete: true, highestUID: 1)
        #expect(entry.rawFile.utf8.count <= 255 && entry.journalFile.utf8.count <= 255)
        #expect(try raw.committedCopies().map(\.folder) == [folder])
        #expect(try IMAPExtractor.bytes(of: locator, rawDirectory: dir.file("raw/work")) == DovecotFixtures.message(1))
    }

    /// Every directory and file below `root` whose mode is not 0700 (directories) or 0600 (files).
    static func loosePaths(_ root: String) -> [String] {
        var out: [String] = []
        func visit(_ path: String) {
            var st = stat()
            guard lstat(path, &st) == 0 else { return }
            let mode = st.st_mode & 0o777
            if st.st_mode & S_IFMT == S_IFDIR {
                if mode != 0o700 { out.append("\(path) \(String(mode, radix: 8))") }
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { visit(path + "/" + name) }
            } else if mode != 0o600 {
                out.append("\(path) \(String(mode, radix: 8))")
            }
        }
        visit(root)
        return out
    }

    @Test(.enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
    func aBackfillOfLongCyrillicAndCJKFoldersFromDovecotSucceedsAndWritesOnlyPrivateFiles() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = IMAPDate.days(year: 2026, month: 1, day: 11) * 86400
        // Dovecot keeps folder names in modified UTF-7 on disk (`.&BB8ENQRA...-`), as IMAP spells them.
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(901), internalDate: day + 100)
        try server.addMessage(user: user.name, folder: ModifiedUTF7.encode(Self.cyrillic),
                              bytes: DovecotFixtures.message(902), internalDate: day + 200)
        try server.addMessage(user: user.name, folder: ModifiedUTF7.encode(Self.cjk),
                              bytes: DovecotFixtures.message(903), internalDate: day + 300)
        let dir = server.root.path + "/long-names-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "long-names", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_LONG_NAMES",
                                   extra: ["folders: [INBOX, \"\(Self.cyrillic)\", \"\(Self.cjk)\"]"])
        // The user's shell umask (022), not the test process's: the binary must make its files private itself.
        let r = try IMAPCommandLineTests.mailroom(["backfill", dir + "/p.yml", "--as-of", "2026-01-12", "--days", "3",
                                                   "--run-dir", dir + "/run", "--quiet"],
                                                  env: ["MAILROOM_TEST_LONG_NAMES": user.password], umask: "022")
        #expect(r.status == 0, "\(r.stderr)")

        let raw = dir + "/run/extract/raw/work"
        let files = try FileManager.default.contentsOfDirectory(atPath: raw)
        #expect(files.allSatisfy { $0.utf8.count <= 255 })
        #expect(files.filter { $0.hasSuffix(".raw") }.count == 3, "\(files)")
        #expect(files.contains { $0.hasPrefix(IMAPFolderChoice.fileName(Self.cyrillic) + "-") && $0.contains("~") })
        let lines = try String(contentsOfFile: dir + "/run/normalize/messages.ndjson", encoding: .utf8)
            .split(separator: "\n").map { try NormalizedMessage(jsonBytes: Array($0.utf8)) }
        #expect(Set(lines.map { "\($0.folder) \($0.messageId ?? "-")" })
                == ["INBOX msg-901@example.com", "\(Self.cyrillic) msg-902@example.com", "\(Self.cjk) msg-903@example.com"])
        #expect(Self.loosePaths(dir + "/run") == [])
        let store = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("crm.sqlite") }
        #expect(store.contains("crm.sqlite") && store.contains("crm.sqlite.lock"), "\(store)")
        for f in store { #expect(Self.loosePaths(dir + "/" + f) == []) }
    }
}
