import Foundation
import Testing
@testable import MailroomCore

@Suite struct RecordIssueTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The rows of the README's "Record issues" table: code, stage, effect, meaning.
    static func readmeRows() throws -> [[String]] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "\n### Record issues\n"))
        var rows: [[String]] = []
        var inTable = false
        for line in text[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| code | stage | effect | meaning |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            if line.hasPrefix("|---") { continue }
            let cells = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append(cells)
        }
        return rows
    }

    @Test func theREADMETableListsExactlyTheEnumsCodesWithTheirStageEffectAndMeaning() throws {
        let rows = try Self.readmeRows()
        let expected = IssueCode.allCases.map { ["`\($0.rawValue)`", $0.stage.rawValue, $0.effect.rawValue, $0.meaning] }
        #expect(rows.map { $0.first ?? "" } == expected.map { $0[0] }, "codes in the README table")
        #expect(rows == expected)
    }

    @Test func codesAreDistinctKebabCaseAndEachStageHasSome() {
        let raws = IssueCode.allCases.map(\.rawValue)
        #expect(Set(raws).count == raws.count)
        #expect(raws.allSatisfy { $0.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" } })
        let stages = Set(IssueCode.allCases.map(\.stage.rawValue))
        #expect(stages == ["extract", "normalize", "contacts", "config"])
        #expect(IssueCode.allCases.allSatisfy { !$0.meaning.isEmpty && !$0.meaning.contains("|") })
    }

    @Test func aRecordIssueReadsBackFromItsNDJSONLineWithOnlyTheKnownLocationFields() throws {
        let issue = RecordIssue(.fileUnreadable, at: .init(mailbox: "sales", file: "cur/1700000001.b:2,S"),
                                "cannot be read: Permission denied")
        let line = String(decoding: issue.jsonBytes(), as: UTF8.self)
        #expect(line == #"{"code":"file-unreadable","mailbox":"sales","file":"cur/1700000001.b:2,S","detail":"cannot be read: Permission denied"}"#)
        #expect(try RecordIssue(json: JSONParser.parse(Array(line.utf8))) == issue)
        // A code outside the closed set is refused, naming it.
        let unknown = #"{"code":"no-such-code","detail":"x"}"#
        #expect(throws: JSONError.self) { try RecordIssue(json: JSONParser.parse(Array(unknown.utf8))) }
    }

    @Test func quarantineLinesKeepTheirBytesAndRefuseAReasonThatIsNotAQuarantineCode() throws {
        let line = #"{"copyId":"m/INBOX/7","mailbox":"m","folder":"INBOX","locator":{"file":"a.mbox","offset":0,"length":1},"reason":"binary-content","detail":"NUL byte in the header section at byte offset 0"}"#
        let q = try QuarantineRecord(json: JSONParser.parse(Array(line.utf8)))
        #expect(q.reason == .binaryContent)
        #expect(String(decoding: q.jsonBytes(), as: UTF8.self) == line)
        #expect(q.issue == RecordIssue(.binaryContent, at: .init(mailbox: "m", file: "a.mbox", copyId: "m/INBOX/7"),
                                       "NUL byte in the header section at byte offset 0"))
        // `date-missing` is a normalize code, but a message with it is kept, never quarantined.
        let wrong = line.replacingOccurrences(of: "binary-content", with: "date-missing")
        #expect(throws: JSONError.self) { try QuarantineRecord(json: JSONParser.parse(Array(wrong.utf8))) }
    }

    @Test func pipelineFileIssuesCarryCodesLinesAndTheSameText() throws {
        let yaml = """
        name: p
        mailbox:
          source: mbox
          path: mail
          owner: me@example.com
          colour: blue
        ownDomains: example.com
        backfillDays: many

        """
        let e = try #require(throws: ConfigError.self) { try PipelineConfig.parse(yaml: yaml, file: "p.yml") }
        let got = e.issues.map { "\($0.code.rawValue)@\($0.line ?? 0)" }
        #expect(got.contains("key-unknown@6"), "\(got)")
        #expect(got.contains("value-invalid@8"), "\(got)")
        #expect(e.issues.allSatisfy { $0.fatal && $0.code.stage == .config })
        #expect(e.description.contains("p.yml:6: unknown key 'colour'"), "\(e.description)")
        let broken = try #require(throws: ConfigError.self) { try PipelineConfig.parse(yaml: "name: [unclosed\n", file: "p.yml") }
        #expect(broken.issues.map(\.code) == [.yamlInvalid])
    }
}
