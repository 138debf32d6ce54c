import Foundation
import Testing
@testable import MailroomCore

/// Every single-message file of the shared third-party corpora through `Normalizer.normalize`.
@Suite struct NormalizeCorpora {
    /// `../shared/corpora` next to the repository root (this file is `Tests/MailroomCoreTests/<file>.swift`).
    static let corpora: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpora")

    static var available: Bool { FileManager.default.fileExists(atPath: corpora.appendingPathComponent("README.md").path) }

    /// Files each corpus's MANIFEST.tsv lists as one message (`file`, `file+From_`); mbox files are left out.
    static func singleMessageFiles() -> [URL] {
        guard available, let dirs = try? FileManager.default.contentsOfDirectory(atPath: corpora.path) else { return [] }
        var out: [URL] = []
        for dir in dirs.sorted() {
            let manifest = corpora.appendingPathComponent(dir).appendingPathComponent("MANIFEST.tsv")
            guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { continue }
            var seen = Set<String>()
            for line in text.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard cols.count >= 2, cols[1] == "file" || cols[1] == "file+From_" else { continue }
                let file = String(cols[0])
                if seen.insert(file).inserted { out.append(corpora.appendingPathComponent(dir).appendingPathComponent(file)) }
            }
        }
        return out
    }

    static func outcome(_ bytes: [UInt8], _ name: String) -> NormalizeOutcome {
        bytes.withUnsafeBytes {
            Normalizer.normalize(copy: NormalizeFixture.copy(name, size: bytes.count), bytes: $0,
                                 settings: NormalizeFixture.settings)
        }
    }

    /// The record's NDJSON line must be valid UTF-8 and read back to the same record.
    static func checkJSON<R: JSONRecord & Equatable>(_ record: R, _ name: String) {
        var w = JSONWriter()
        record.writeJSON(&w)
        #expect(HeaderText.validUTF8(w.bytes) != nil, "\(name): output is not valid UTF-8")
        let back = try? R(json: JSONParser.parse(w.bytes))
        #expect(back == record, "\(name): JSON does not read back")
    }

    @Test(.enabled(if: available, "../shared/corpora is absent: corpora robustness skipped"))
    func everyCorpusMessageNormalizesOrIsQuarantinedTheSameForLFAndCRLF() throws {
        let files = Self.singleMessageFiles()
        #expect(files.count > 250)
        var normalized = 0
        for url in files {
            let name = url.path.replacingOccurrences(of: Self.corpora.path + "/", with: "")
            let bytes = try [UInt8](Data(contentsOf: url))
            let lf = Self.outcome(bytes, name)
            let crlf = Self.outcome(NormalizeFixture.crlf(bytes), name)
            switch (lf, crlf) {
            case (.message(let a), .message(let b)):
                normalized += 1
                #expect(a.contentHash == b.contentHash, "\(name): LF and CRLF content hashes differ")
                #expect(a.issues == b.issues, "\(name): \(a.issues) vs \(b.issues)")
                var sameSize = a
                sameSize.size = b.size
                #expect(sameSize == b, "\(name): LF and CRLF copies normalize differently")
                Self.checkJSON(a, name)
            case (.quarantined(let a), .quarantined(let b)):
                #expect(a.reason == b.reason, "\(name)")
                #expect(!a.detail.isEmpty, "\(name)")
                Self.checkJSON(a, name)
            default:
                Issue.record("\(name): LF and CRLF copies have different outcomes")
            }
        }
        #expect(normalized > files.count * 9 / 10)
    }
}
