import Foundation
@testable import MailroomIO
import MailroomCore

/// `FakeIMAPServer` acting like Gmail: CAPABILITY with X-GM-EXT-1, every label a folder holding the same messages
/// (same X-GM-MSGID, other UIDs), All Mail under a localized name found only by `\All`, and X-GM-LABELS in
/// Gmail's syntax (quoted system labels with escaped backslashes, flag-like atoms, modified UTF-7, `()`).
///
/// All Mail (UIDVALIDITY 12) holds, on 11 Jan 2026:
/// - UID 101: received from alice, labels `("\\Inbox" Customers "Project &AOk-t&AOk-")`
/// - UID 102: sent by the owner, labels `("\\Sent" Customers)`
/// - UID 103: a draft of the owner, labels `("\\Draft")`
/// - UID 104: received, labels `(\Inbox \Important)`
/// - UID 105: received and archived, labels `()`
enum FakeGmail {
    static let owner = "dana@example.com"
    static let allMail = "[Google Mail]/All Mail"

    struct Mail {
        var n: Int
        var from: String
        var labels: String
        var folders: [String]
    }

    static let mails = [
        Mail(n: 1, from: "alice@example.org", labels: #"("\\Inbox" Customers "Project &AOk-t&AOk-")"#,
             folders: ["INBOX", "Customers", "Project &AOk-t&AOk-"]),
        Mail(n: 2, from: owner, labels: #"("\\Sent" Customers)"#, folders: ["[Gmail]/Sent Mail", "Customers"]),
        Mail(n: 3, from: owner, labels: #"("\\Draft")"#, folders: ["[Gmail]/Drafts"]),
        Mail(n: 4, from: "bob@example.org", labels: #"(\Inbox \Important)"#, folders: ["INBOX", "[Gmail]/Important"]),
        Mail(n: 5, from: "carol@example.org", labels: "()", folders: []),
    ]

    static func body(_ n: Int, from: String) -> [UInt8] {
        DovecotFixtures.message(800 + n, from: from, date: "Sun, 11 Jan 2026 10:00:0\(n) +0000")
    }

    static func message(_ m: Mail, uid: UInt64) -> FakeIMAPServer.Message {
        FakeIMAPServer.Message(uid: uid, internalDate: "11-Jan-2026 10:00:0\(m.n) +0000", body: body(m.n, from: m.from),
                               gmMsgId: "90\(m.n)", labels: m.labels)
    }

    /// All Mail's message for UID `100 + n` (n from 6: mail arriving later, received, labelled `\Inbox`).
    static func later(_ n: Int) -> FakeIMAPServer.Message {
        message(Mail(n: n, from: "erin@example.org", labels: #"("\\Inbox")"#, folders: ["INBOX"]), uid: UInt64(100 + n))
    }

    static func server(allMailAttributes: String = "\\HasNoChildren \\All", gmail: Bool = true) throws -> FakeIMAPServer {
        var folders: [FakeIMAPServer.Folder] = [
            .init(name: "INBOX", attributes: "\\HasNoChildren", uidValidity: 1, messages: []),
            .init(name: "[Gmail]", attributes: "\\HasChildren \\Noselect", uidValidity: 2, messages: []),
            .init(name: allMail, attributes: allMailAttributes, uidValidity: 12,
                  messages: mails.map { message($0, uid: UInt64(100 + $0.n)) }),
            .init(name: "[Gmail]/Sent Mail", attributes: "\\HasNoChildren \\Sent", uidValidity: 3, messages: []),
            .init(name: "[Gmail]/Drafts", attributes: "\\HasNoChildren \\Drafts", uidValidity: 4, messages: []),
            .init(name: "[Gmail]/Important", attributes: "\\HasNoChildren \\Important", uidValidity: 5, messages: []),
            .init(name: "Customers", attributes: "\\HasNoChildren", uidValidity: 6, messages: []),
            .init(name: "Project &AOk-t&AOk-", attributes: "\\HasNoChildren", uidValidity: 7, messages: []),
        ]
        // Label folders: the same messages under their own UIDs (1, 2, ... per folder).
        for m in mails {
            for name in m.folders {
                let i = folders.firstIndex { $0.name == name }!
                folders[i].messages.append(message(m, uid: UInt64(folders[i].messages.count + 1)))
            }
        }
        return try FakeIMAPServer(folders: folders, gmail: gmail)
    }
}
