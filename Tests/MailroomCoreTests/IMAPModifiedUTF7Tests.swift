import Testing
import MailroomCore

struct IMAPModifiedUTF7Tests {
    @Test(arguments: [
        ("INBOX", "INBOX"),
        ("Sent Items", "Sent Items"),
        ("Tom & Jerry", "Tom &- Jerry"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Gesendete Objekte", "Gesendete Objekte"),
        ("[Gmail]/Отправленные", "[Gmail]/&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
        ("台北", "&U,BTFw-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("😀", "&2D3eAA-"),
    ])
    func folderNamesEncodeAndDecode(name: String, wire: String) {
        #expect(ModifiedUTF7.encode(name) == wire)
        #expect(ModifiedUTF7.decode(wire) == name)
    }

    @Test(arguments: ["&Jjo!", "&U,BTFw", "&AGE-", "caf\u{e9}", "&2D0-"])
    func invalidWireNamesDoNotDecode(wire: String) {
        // "&AGE-" encodes plain "a", which must be written as itself; servers still send it, so it decodes.
        if wire == "&AGE-" { #expect(ModifiedUTF7.decode(wire) == "a"); return }
        #expect(ModifiedUTF7.decode(wire) == nil)
    }
}
