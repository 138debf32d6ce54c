@testable import MailroomCore

/// Helpers shared by the Normalize*Tests suites.
enum NormalizeFixture {
    /// Runs `body` over the UTF-8 bytes of `text`.
    static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    /// LF line endings to CRLF (existing CRLF pairs and bare CRs are left alone).
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        var prev: UInt8 = 0
        for c in bytes {
            if c == 0x0A && prev != 0x0D { out.append(0x0D) }
            out.append(c)
            prev = c
        }
        return out
    }

    static func copy(_ id: String = "box/INBOX/1", size: Int = 0) -> MessageCopy {
        MessageCopy(copyId: id, mailbox: "box", source: .eml, folder: "INBOX",
                    locator: Locator(file: "1.eml", offset: 0, length: size), flags: ["seen"], date: nil)
    }

    static let settings = NormalizeSettings(owner: ["me@example.com"], ownDomains: ["example.com"])
}
