import Foundation
import Testing

/// A `--json` command whose store cannot be opened (a file that is not SQLite) ends with the store's exit code
/// and one line naming the store on stderr, and prints nothing on stdout: never a half JSON document a script
/// would read as an answer.
struct JSONStoreUnopenableTests {
    @Test(arguments: [["runs"], ["mailbox", "list"], ["review"]])
    func aJSONCommandWithAStoreThatIsNotSQLitePrintsNoJSONAndNamesTheStore(command: [String]) throws {
        let ws = try StoreWorkspace(messages: 1)
        let junk = Data("not a database at all\n".utf8)
        try junk.write(to: URL(fileURLWithPath: ws.storePath))
        let r = try StoreProcess.run(command + [ws.pipeline, "--json"])
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.hasPrefix("mailroom: error: "), "\(r.stderr)")
        #expect(r.stderr.contains(ws.storePath))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: ws.storePath)) == junk)
    }
}
