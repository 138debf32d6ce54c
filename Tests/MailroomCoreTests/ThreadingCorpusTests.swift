import Foundation
import Testing
@testable import MailroomCore

/// Threads the b4 corpus (real kernel patch series and replies, the same messages repeated across mboxes).
/// Reads only the three threading headers, with a small reader of its own so this test does not depend on the
/// normalizer. Skips when `../shared/corpora` is absent (a fresh clone elsewhere).
@Suite struct ThreadingCorpus {
    static let b4 = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpora/b4").standardizedFileURL
    static let available = FileManager.default.fileExists(atPath: b4.appendingPathComponent("MANIFEST.tsv").path)

    struct Headers { var messageId: String?; var inReplyTo: [String]; var references: [String] }

    /// Every message of every mbox in the folder, file by file.
    static func messages() throws -> [Headers] {
        let files = try FileManager.default.contentsOfDirectory(atPath: b4.path).filter { $0.hasSuffix(".mbox") }.sorted()
        var out: [Headers] = []
        for f in files {
            let bytes = try [UInt8](Data(contentsOf: b4.appendingPathComponent(f)))
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            var i = 0
            while i < lines.count {
                guard lines[i].hasPrefix("From "), i == 0 || lines[i - 1].isEmpty else { i += 1; continue }
                i += 1
                var fields: [(String, String)] = []
                while i < lines.count, !lines[i].isEmpty {
                    let l = lines[i]
                    if l.first == " " || l.first == "\t", !fields.isEmpty {
                        fields[fields.count - 1].1 += " " + l
                    } else if let colon = l.firstIndex(of: ":") {
                        fields.append((l[..<colon].lowercased(), String(l[l.index(after: colon)...])))
                    }
                    i += 1
                }
                func ids(_ name: String) -> [String] {
                    fields.filter { $0.0 == name }.flatMap { Self.angleIds($0.1) }
                }
                out.append(Headers(messageId: ids("message-id").first, inReplyTo: ids("in-reply-to"),
                                   references: ids("references")))
            }
        }
        return out
    }

    static func angleIds(_ s: String) -> [String] {
        var out: [String] = []
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// Thread inputs keyed the way dedupe keys them, with the three headers standing in for the content hash: a
    /// Message-ID repeated with other headers (some files here rewrite In-Reply-To) becomes `mid:<id>#<hash12>`.
    static func inputs(_ headers: [Headers]) -> [ThreadInput] {
        var dedupe = MessageDeduplicator()
        var out: [ThreadInput] = []
        for h in headers {
            let content = "\(h.inReplyTo) \(h.references)"
            let m = Fixture.message(messageId: h.messageId, hash: fnv1a(content), inReplyTo: h.inReplyTo,
                                    references: h.references)
            guard case .keep(let key) = dedupe.observe(m) else { continue }
            out.append(ThreadInput(key: key, messageId: h.messageId, inReplyTo: h.inReplyTo,
                                   references: h.references, baseSubject: "", subjectIsReply: false, date: nil))
        }
        return out
    }

    /// 64 hex digits from a 64-bit FNV-1a, enough to tell header sets apart in a test.
    static func fnv1a(_ s: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 48)
    }

    @Test(.enabled(if: available, "../shared/corpora is absent"))
    func everyReplyInTheCorpusSharesItsParentsThread() throws {
        let headers = try Self.messages()
        #expect(headers.count == 70)
        let inputs = Self.inputs(headers)
        var b = ThreadBuilder()
        for m in inputs { b.add(m) }
        let a = b.finish()
        let known = Set(headers.compactMap(\.messageId))
        var replies = 0
        for m in inputs {
            guard let parent = m.inReplyTo.first, known.contains(parent) else { continue }
            replies += 1
            #expect(a.threadId(for: m.key) == a.threadId(for: "mid:" + parent), "\(m.key)")
        }
        #expect(replies == 19)
        #expect(inputs.count == 24, "copies of one message across files are merged")
        #expect(a.threadCount == 5)
        #expect(a.threadCount < known.count)
    }

    @Test(.enabled(if: available, "../shared/corpora is absent"))
    func theCorpusThreadsTheSameWayInAnyOrder() throws {
        let inputs = Self.inputs(try Self.messages())
        func table(_ list: [ThreadInput]) -> [String: String] {
            var b = ThreadBuilder()
            for m in list { b.add(m) }
            let a = b.finish()
            return Dictionary(uniqueKeysWithValues: inputs.map { ($0.key, a.threadId(for: $0.key) ?? "") })
        }
        let expected = table(inputs)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<10 { #expect(table(inputs.shuffled(using: &rng)) == expected) }
    }
}
