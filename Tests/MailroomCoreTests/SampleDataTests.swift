import Foundation
import Testing
@testable import MailroomCore

/// The construction facts of `sample-data/` (written by `scripts/make_sample_data.py`, stated in
/// `sample-data/EXPECTED.md`), checked on the files themselves without Mailroom's mail parser.
@Suite struct SampleDataTests {
    /// `Tests/MailroomCoreTests/SampleDataTests.swift` → up three levels is the repository root.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = repository.appendingPathComponent("sample-data")
    static let mailbox = sample.appendingPathComponent("mailbox")
    /// The Maildir folders, relative to the mailbox root (the root itself is INBOX).
    static let folders = ["", "Sent", "Archive/2026", ".Newsletters"]

    static func text(_ name: String) throws -> String {
        try String(contentsOf: sample.appendingPathComponent(name), encoding: .utf8)
    }

    /// Message files (dot-files such as `.keep` are not messages) in `folder/sub`.
    static func messageFiles(_ folder: String, _ sub: String) throws -> [String] {
        let dir = folder.isEmpty ? mailbox.appendingPathComponent(sub)
            : mailbox.appendingPathComponent(folder).appendingPathComponent(sub)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The `| folder (`path`) | cur | new | total |` rows of EXPECTED.md, keyed by path (`./` for INBOX).
    static func expectedFolderCounts() throws -> [String: (cur: Int, new: Int)] {
        var out: [String: (cur: Int, new: Int)] = [:]
        for line in try text("EXPECTED.md").split(separator: "\n") where line.hasPrefix("| ") && line.contains("(`") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, let open = cells[0].range(of: "(`"), let close = cells[0].range(of: "`)"),
                  let cur = Int(cells[1]), let new = Int(cells[2]) else { continue }
            out[String(cells[0][open.upperBound..<close.lowerBound])] = (cur, new)
        }
        return out
    }

    @Test func maildirTreeHoldsEveryFolderWithCurNewAndTmp() throws {
        for folder in Self.folders {
            for sub in ["cur", "new", "tmp"] {
                var isDirectory: ObjCBool = false
                let path = Self.mailbox.appendingPathComponent(folder).appendingPathComponent(sub).path
                #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue,
                        "missing \(folder)/\(sub)")
            }
            #expect(try Self.messageFiles(folder, "tmp").isEmpty, "\(folder)/tmp must hold no message")
        }
    }

    @Test func messageFileCountsMatchExpectedPerFolderAndInTotal() throws {
        let expected = try Self.expectedFolderCounts()
        #expect(expected.count == Self.folders.count)
        var total = 0
        for folder in Self.folders {
            let key = folder.isEmpty ? "./" : folder + "/"
            let counts = try #require(expected[key], "EXPECTED.md has no row for \(key)")
            #expect(try Self.messageFiles(folder, "cur").count == counts.cur, "\(key)cur")
            #expect(try Self.messageFiles(folder, "new").count == counts.new, "\(key)new")
            total += counts.cur + counts.new
        }
        #expect(try Self.text("EXPECTED.md").contains("Total message files: **\(total)**"))
        #expect((300...400).contains(total))
    }

    @Test func maildirFileNamesCarryFlagsInCurAndNoneInNew() throws {
        for folder in Self.folders {
            for name in try Self.messageFiles(folder, "cur") {
                #expect(name.contains(".northwind:2,"), "\(folder)/cur/\(name)")
            }
            for name in try Self.messageFiles(folder, "new") {
                #expect(name.hasSuffix(".northwind"), "\(folder)/new/\(name)")
            }
        }
    }

    @Test func identicalCopiesListedInExpectedAreByteIdentical() throws {
        var pairs = 0
        for line in try Self.text("EXPECTED.md").split(separator: "\n") where line.hasSuffix("| identical bytes |") {
            let paths = line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            try #require(paths.count == 2)
            let copy = try Data(contentsOf: Self.mailbox.appendingPathComponent(paths[0]))
            let original = try Data(contentsOf: Self.mailbox.appendingPathComponent(paths[1]))
            #expect(copy == original, "\(paths[0]) differs from \(paths[1])")
            #expect(!copy.isEmpty)
            pairs += 1
        }
        #expect(pairs == 15)
    }

    @Test func contactsFileHasTheHeaderAndAboutFortyRows() throws {
        let lines = try Self.text("contacts.csv").split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.first == "id,name,emails")
        #expect((35...45).contains(lines.count - 1))
        let ids = lines.dropFirst().map { $0.split(separator: ",", maxSplits: 1).first.map(String.init) ?? "" }
        #expect(Set(ids).count == ids.count, "contact ids are unique")
        #expect(lines.contains { $0.contains("anna@bücher.example") } && lines.contains { $0.contains("anna@xn--bcher-kva.example") })
    }

    @Test func samplePipelineFileIsValidAndPointsAtTheSampleData() throws {
        let url = Self.repository.appendingPathComponent("pipelines/sample.yml")
        let config = try PipelineConfig.parse(yaml: String(contentsOf: url, encoding: .utf8), file: "sample.yml")
        let mailbox = try #require(config.mailboxes.first)
        #expect(config.mailboxes.count == 1)
        #expect(mailbox.path == "../sample-data/mailbox")
        #expect(mailbox.owner == ["dana.reyes@northwind.example", "dana@northwind.example"])
        #expect(config.ownDomains == ["northwind.example"])
        #expect(config.contacts == "../sample-data/contacts.csv")
        #expect(config.backfillDays == 60)
        #expect(config.createContacts == .never)
    }
}
