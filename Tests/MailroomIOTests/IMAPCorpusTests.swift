import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Real third-party messages (`../shared/corpora`, single-message files) served by Dovecot: a backfill finds
/// exactly what the server's own search finds, every body matches its RFC822.SIZE (checked while fetching),
/// and no flag changes.
@Suite("IMAP backfill of real corpus mail", .enabled(if: DovecotFixtures.available && IMAPCorpora.path != nil,
                                                  "Dovecot or ../shared/corpora is missing"))
struct IMAPCorpusTests {
    static var corpora: String? { IMAPCorpora.path }


    /// Every single-message file the manifests list.
    static func messageFiles() throws -> [String] {
        guard let corpora else { return [] }
        var out: [String] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: corpora).sorted() {
            guard let text = try? String(contentsOfFile: "\(corpora)/\(folder)/MANIFEST.tsv", encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false)
                if f.count > 1, f[1] == "file" { out.append("\(corpora)/\(folder)/\(f[0])") }
            }
        }
        return out
    }

    @Test func aBackfillFindsWhatTheServerFindsWithSizesCheckedAndFlagsUnchanged() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let files = try Self.messageFiles()
        #expect(files.count > 100)
        let base = IMAPDate.days(year: 2025, month: 6, day: 1) * 86400
        for (i, path) in files.enumerated() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // Spread over 60 days, a few seen or flagged.
            try server.addMessage(user: user.name, bytes: bytes, internalDate: base + Int64(i) * 86400 * 60 / Int64(files.count),
                                  flags: i % 5 == 0 ? "S" : (i % 7 == 0 ? "F" : ""))
        }
        let before = try server.flagsListing(user: user.name)
        let window = DateWindow(start: base + 10 * 86400, end: base + 40 * 86400)
        let serverCount = try server.doveadm(["search", "-u", user.name, "mailbox", "INBOX", "all"])
            .split(separator: "\n").count
        #expect(serverCount == files.count)

        let run = server.root.path + "/corpus-run-\(UUID().uuidString)"
        let ex = IMAPExtractor(mailbox: "corpus", endpoint: DovecotFixtures.endpoint(server, user: user, security: .tls),
                               folders: ["INBOX"], runDirectory: run, options: IMAPExtractOptions(batchSize: 50))
        let listing = try ex.list(window: window)
        let result = try ex.backfill(window: window)
        let expected = (0..<files.count).filter { window.contains(base + Int64($0) * 86400 * 60 / Int64(files.count)) }.count
        #expect(result.copies.count == expected)
        #expect(listing.first?.messages == expected)
        #expect(listing.first?.bytes == result.folders.first?.bytes)
        #expect(Set(result.copies.map(\.copyId)).count == expected)
        #expect(try server.flagsListing(user: user.name) == before)
    }
}

enum IMAPCorpora {
    /// `../shared/corpora` beside the repository root (`Tests/<Target>/<File>.swift` → up three levels), when present.
    static let path: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.deletingLastPathComponent().appendingPathComponent("shared/corpora").path
        return FileManager.default.fileExists(atPath: dir + "/README.md") ? dir : nil
    }()
}
