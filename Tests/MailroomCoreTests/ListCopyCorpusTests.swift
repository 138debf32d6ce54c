import Foundation
import Testing
@testable import MailroomCore

/// One real list email in two real copies: HyperKitty's test suite has the same Fedora packaging-list message
/// (`<4FFC1228.3060409@redhat.com>`) as pipermail archived it with its signature part scrubbed into a
/// "next part" note, and as the plain text alone. Other bodies, so other content hashes; the same Message-ID,
/// From (pipermail's `x at y` spelling) and Date. Dedupe makes them one message, and IMAP re-identification,
/// applying dedupe's rule, knows one when the store holds the other. Read in place from `../shared/corpora`;
/// skipped when it is absent.
@Suite struct ListCopyCorpusTests {
    static let hyperkitty = NormalizeCorpora.corpora.appendingPathComponent("hyperkitty")
    static var available: Bool {
        FileManager.default.fileExists(atPath: hyperkitty.appendingPathComponent("pipermail_nextpart.txt").path)
    }

    /// The first message of a pipermail mbox: after its `From ` line, up to the blank line before the next one.
    static func firstMessage(_ file: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: hyperkitty.appendingPathComponent(file)))
        let start = try #require(bytes.firstIndex(of: 0x0A)) + 1
        let next = Array("\n\nFrom ".utf8)
        var end = bytes.count
        var i = start
        while i + next.count <= bytes.count {
            if bytes[i..<(i + next.count)].elementsEqual(next) { end = i + 1; break }
            i += 1
        }
        return Array(bytes[start..<end])
    }

    static func normalized(_ bytes: [UInt8], _ name: String) throws -> NormalizedMessage {
        let outcome = bytes.withUnsafeBytes {
            Normalizer.normalize(copy: NormalizeFixture.copy(name, size: bytes.count), bytes: $0,
                                 settings: NormalizeFixture.settings)
        }
        var message: NormalizedMessage?
        if case .message(let m) = outcome { message = m }
        return try #require(message, "\(name) was quarantined")
    }

    @Test(.enabled(if: available, "../shared/corpora is absent: the real list copies are skipped"))
    func thePipermailCopyWithItsScrubbedPartIsTheSameMessageForDedupeAndReidentification() throws {
        let plainBytes = try Self.firstMessage("non-ascii-headers.txt")
        let scrubbedBytes = try Self.firstMessage("pipermail_nextpart.txt")
        let plain = try Self.normalized(plainBytes, "plain"), scrubbed = try Self.normalized(scrubbedBytes, "scrubbed")
        #expect(plain.messageId == "4FFC1228.3060409@redhat.com" && scrubbed.messageId == plain.messageId)
        #expect(plain.contentHash != scrubbed.contentHash)
        #expect(plain.date == "2012-07-10T11:29:44Z" && scrubbed.date == plain.date)
        #expect(plain.from.map(\.key) == ["vondruch@redhat.com"] && scrubbed.from.map(\.key) == ["vondruch@redhat.com"])

        let (scan, dropped, written) = DedupeScanTests.passes([NormalizedDedupeFields(plain),
                                                               NormalizedDedupeFields(scrubbed)])
        #expect(dropped.map(\.reason) == [MessageDeduplicator.listOrTransportCopy])
        #expect(scan.unique == 1 && scan.mergedCopies == 1)
        #expect(written.map(\.key) == ["mid:4FFC1228.3060409@redhat.com"])

        // Re-identification computes the fields normalize computed, and knows either copy from the other.
        let known = IMAPKnownMessage(bytes: plainBytes), onServer = IMAPKnownMessage(bytes: scrubbedBytes)
        #expect(known.contentHash == plain.contentHash && onServer.contentHash == scrubbed.contentHash)
        #expect(known.date == plain.date && known.sender == "vondruch@redhat.com")
        #expect(IMAPReidentification(known: [known]).verdict(onServer) == .loaded)
        #expect(IMAPReidentification(known: [onServer]).verdict(known) == .loaded)
    }
}
