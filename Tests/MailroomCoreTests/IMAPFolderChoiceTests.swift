import Testing
import MailroomCore

struct IMAPFolderChoiceTests {
    static func listed(_ entries: [(String, [String])]) -> [IMAPListedFolder] {
        entries.map { IMAPListedFolder(wireName: $0.0, attributes: $0.1) }
    }

    @Test func theSentFolderIsFoundBySpecialUseBeforeItsName() {
        let l = Self.listed([("INBOX", []), ("Sent", []), ("Gesendete Elemente", ["\\Sent"])])
        #expect(IMAPFolderChoice.sentFolder(l)?.name == "Gesendete Elemente")
    }

    @Test(arguments: ["Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent"])
    func theSentFolderFallsBackToUsualNames(name: String) {
        let l = Self.listed([("INBOX", []), ("Archive", []), (name, [])])
        #expect(IMAPFolderChoice.sentFolder(l)?.name == name)
    }

    @Test func noFoldersNamedMeansInboxAndSent() {
        let l = Self.listed([("INBOX", []), ("[Gmail]", ["\\Noselect"]), ("[Gmail]/Sent Mail", ["\\Sent"]), ("Drafts", [])])
        let (folders, missing) = IMAPFolderChoice.choose(listed: l, requested: [])
        #expect(folders.map(\.name) == ["INBOX", "[Gmail]/Sent Mail"])
        #expect(missing.isEmpty)
    }

    @Test func namedFoldersAreDecodedAndMissingOnesReported() {
        let l = Self.listed([("INBOX", []), ("Gesch&AOQ-ftlich", []), ("[Gmail]", ["\\Noselect"])])
        let (folders, missing) = IMAPFolderChoice.choose(listed: l, requested: ["Geschäftlich", "inbox", "Nope", "[Gmail]"])
        #expect(folders.map(\.wireName) == ["Gesch&AOQ-ftlich", "INBOX"])
        #expect(missing == ["Nope", "[Gmail]"])
    }

    @Test(arguments: [("INBOX", "INBOX"), ("Sent Items", "Sent%20Items"), ("[Gmail]/Sent Mail", "%5BGmail%5D%2FSent%20Mail"),
                      (".hidden", "%2Ehidden"), ("Entwürfe", "Entw%C3%BCrfe")])
    func folderFileNamesAreSafeAndDistinct(folder: String, safe: String) {
        #expect(IMAPFolderChoice.safeName(folder) == safe)
    }
}
