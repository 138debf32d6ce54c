import Foundation
import Testing

/// A stage refuses a predecessor's file that is cut short, corrupt, changed or missing, and a manifest that is not
/// JSON: exit 3, one line naming the file (and the line when there is one), and nothing written.
@Suite struct CorruptInputTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        /// Cut in the middle of a line, as an interrupted copy leaves it.
        case truncatedMidLine
        /// One line replaced by bytes that are not JSON, same length (so the size check passes).
        case invalidJSONSameLength
        /// One line changed but still valid JSON, same length: only the SHA-256 in the manifest tells.
        case validJSONChangedSameLength
        case deleted

        var testDescription: String { rawValue }
    }

    /// (stage to run, the predecessor file it reads, the line damaged)
    static let targets: [(stage: String, file: String, line: Int)] = [
        ("normalize", "extract/messages.ndjson", 7),
        ("dedupe", "normalize/messages.ndjson", 3),
        ("match", "dedupe/messages.ndjson", 5),
        ("load", "match/links.ndjson", 9),
    ]

    /// The run's files and manifest, byte for byte, to check that a refused stage wrote nothing. The lock file is
    /// left out: every process that takes the run directory's lock writes its pid and time there.
    static func snapshot(_ dir: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for f in try RunFiles.regularFiles(dir) where f != ".lock" { out[f] = try RunFiles.bytes(dir.appendingPathComponent(f)) }
        return out
    }

    static func damage(_ url: URL, _ d: Damage, line: Int) throws {
        var bytes = try RunFiles.bytes(url)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        switch d {
        case .truncatedMidLine:
            let cut = lines[0..<(line - 1)].reduce(0) { $0 + $1.count + 1 } + lines[line - 1].count / 2
            bytes = Array(bytes[0..<cut])
        case .invalidJSONSameLength:
            lines[line - 1] = Array("{\"copyId\":".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: lines[line - 1].count - 10)
            bytes = Array(lines.joined(separator: [0x0A]))
        case .validJSONChangedSameLength:
            // A digit of the line changed to another digit: still JSON, same length, different content.
            let i = try #require(lines[line - 1].lastIndex { (0x30...0x38).contains($0) })
            lines[line - 1][i] += 1
            bytes = Array(lines.joined(separator: [0x0A]))
        case .deleted:
            try FileManager.default.removeItem(at: url)
            return
        }
        try Data(bytes).write(to: url)
    }

    @Test(arguments: Damage.allCases)
    func aDamagedPredecessorFileIsRefusedWithExitThreeNamingTheFile(damage: Damage) throws {
        let tmp = MailroomProcess.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("run")
        // The sample pipeline with a store of this test's own, to see that a refused load never opens it.
        let sample = RunFiles.samplePipeline.deletingLastPathComponent()
        let store = tmp.appendingPathComponent("crm.sqlite")
        let pipeline = tmp.appendingPathComponent("sample.yml")
        try String(contentsOf: RunFiles.samplePipeline, encoding: .utf8)
            .replacingOccurrences(of: "../sample-data/", with: sample.appendingPathComponent("../sample-data/").standardized.path + "/")
            .replacingOccurrences(of: "store: sqlite:crm.sqlite", with: "store: sqlite:\(store.path)")
            .write(to: pipeline, atomically: false, encoding: .utf8)
        try RunFiles.dryRun(pipeline, runDir: dir)
        for t in Self.targets {
            // Damage one file at a time, on a fresh copy of the run.
            let copy = tmp.appendingPathComponent("\(t.stage)-\(damage.rawValue)")
            try FileManager.default.copyItem(at: dir, to: copy)
            try Self.damage(copy.appendingPathComponent(t.file), damage, line: t.line)
            let before = try Self.snapshot(copy)

            let r = try MailroomProcess.run(["stage", t.stage, "--run", copy.path])
            #expect(r.status == 3, "\(t.stage) with \(t.file) \(damage): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)")
            let shown = copy.appendingPathComponent(t.file).path
            #expect(r.stderr.hasPrefix("mailroom: error: \(shown): "), "\(r.stderr)")
            switch damage {
            case .truncatedMidLine:
                #expect(r.stderr.contains("incomplete"), "\(r.stderr)")
            case .invalidJSONSameLength where t.stage == "load":
                // Load checks every input whole before it writes a row: the file is refused as changed.
                #expect(r.stderr.contains("does not match the manifest"), "\(r.stderr)")
            case .invalidJSONSameLength:
                #expect(r.stderr.contains("\(shown): line \(t.line): not a valid record"), "\(r.stderr)")
            case .validJSONChangedSameLength:
                #expect(r.stderr.contains("does not match the manifest"), "\(r.stderr)")
            case .deleted:
                #expect(r.stderr.contains("missing"), "\(r.stderr)")
            }
            // Nothing written: every file (the stage's previous outputs, the manifest) is as it was, and no
            // temporary file is left behind.
            let after = try Self.snapshot(copy)
            #expect(after.keys.sorted() == before.keys.sorted())
            #expect(after == before, "\(t.stage) changed files after refusing \(t.file)")
            #expect(!FileManager.default.fileExists(atPath: store.path), "\(t.stage) opened the store")
        }
    }

    @Test(arguments: ["normalize", "dedupe", "match"])
    func aManifestThatIsNotJSONIsRefusedWithExitThree(stage: String) throws {
        let tmp = MailroomProcess.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("run")
        try RunFiles.dryRun(runDir: dir)
        let manifest = dir.appendingPathComponent("manifest.json")
        let bytes = try RunFiles.bytes(manifest)
        try Data(bytes[0..<(bytes.count / 2)]).write(to: manifest)
        let before = try Self.snapshot(dir)
        let r = try MailroomProcess.run(["stage", stage, "--run", dir.path])
        #expect(r.status == 3)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.hasPrefix("mailroom: error: \(manifest.path): corrupt manifest"), "\(r.stderr)")
        #expect(try Self.snapshot(dir) == before)
    }

    @Test func aFolderWithoutAManifestIsNotARunDirectory() throws {
        let tmp = MailroomProcess.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try MailroomProcess.run(["stage", "match", "--run", tmp.path])
        #expect(r.status == 3)
        #expect(r.stderr.contains("manifest.json is missing"))
        #expect(try RunFiles.regularFiles(tmp) == [])
    }

    @Test func matchWithFixedContactsButACorruptDedupeFileWritesNothing() throws {
        // Match refreshes dedupe's contact files when the contacts file changed: not before it has checked its input.
        let tmp = MailroomProcess.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = try RunFiles.copySample(to: tmp)
        let dir = tmp.appendingPathComponent("run")
        try RunFiles.dryRun(pipeline, runDir: dir)
        let csv = tmp.appendingPathComponent("sample-data/contacts.csv")
        try (try String(contentsOf: csv, encoding: .utf8) + "C999,Laura Bianchi,laura.bianchi@contoso.example\n")
            .write(to: csv, atomically: false, encoding: .utf8)
        try Self.damage(dir.appendingPathComponent("dedupe/messages.ndjson"), .invalidJSONSameLength, line: 4)
        let before = try Self.snapshot(dir)
        let r = try MailroomProcess.run(["stage", "match", "--run", dir.path])
        #expect(r.status == 3)
        #expect(r.stderr.contains("dedupe/messages.ndjson: line 4: not a valid record"), "\(r.stderr)")
        let after = try Self.snapshot(dir)
        for (file, bytes) in before where after[file] != bytes { Issue.record("\(file) was rewritten") }
        #expect(after.keys.sorted() == before.keys.sorted())
    }

    // MARK: Bad inputs named in the pipeline

    /// A pipeline in a fresh folder with a Maildir copy of the sample (or `mailboxPath` as written) and `contacts`.
    static func pipeline(in dir: URL, mailboxPath: String = "mail", contacts: String) throws -> URL {
        if mailboxPath == "mail" {
            try FileManager.default.copyItem(at: MailroomProcess.repoRoot.appendingPathComponent("sample-data/mailbox"),
                                             to: dir.appendingPathComponent("mail"))
        }
        try contacts.write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let url = dir.appendingPathComponent("p.yml")
        try """
        name: bad-inputs
        mailbox:
          source: maildir
          path: \(mailboxPath)
          owner: [dana.reyes@northwind.example]
        ownDomains: [northwind.example]
        contacts: contacts.csv

        """.write(to: url, atomically: false, encoding: .utf8)
        return url
    }

    @Test func aMailboxPathThatDoesNotExistIsExitThreeWithOneLineNamingIt() throws {
        let tmp = MailroomProcess.tempDir("bad-input")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let p = try Self.pipeline(in: tmp, mailboxPath: "exports/nowhere", contacts: "id,name,emails\nC1,A,a@x.example\n")
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20",
                                         "--run-dir", tmp.appendingPathComponent("run").path])
        #expect(r.status == 3)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "mailroom: error: \(tmp.appendingPathComponent("exports/nowhere").path): mailbox 'default': the path does not exist (check 'path' in p.yml)\n")
        // Checked before anything is made: the run directory was not created.
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("run").path))
    }

    @Test func aContactsFileWithADuplicateIdIsExitThreeListingFileAndLine() throws {
        let tmp = MailroomProcess.tempDir("bad-input")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let p = try Self.pipeline(in: tmp, contacts: """
        id,name,emails
        C1,Ana,ana@contoso.example
        C2,Ben,ben@contoso.example
        C1,Cleo,cleo@contoso.example

        """)
        let r = try MailroomProcess.run(["run", p.path, "--dry-run", "--as-of", "2026-11-20",
                                         "--run-dir", tmp.appendingPathComponent("run").path])
        #expect(r.status == 3)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("contacts.csv:4: ") && $0.contains("C1") }, "\(r.stderr)")
        // No report was written for a run that stopped.
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("run/report.json").path))
    }
}
