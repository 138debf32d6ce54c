import Testing
@testable import MailroomCore

/// The contacts file imported onto the store's contacts in memory, with the store's import rules; the export's
/// formula neutralizing, which the import reads back.
@Suite struct ContactOverlayTests {
    static func contact(_ id: String, _ emails: [String], line: Int = 0) -> Contact {
        Contact(id: id, name: id.uppercased(), emails: emails.map(ContactsCSV.contactEmail), line: line)
    }

    @Test func theFileReplacesContactsByIdAndKeepsTheOthers() {
        let store = [Self.contact("a", ["a@x.io"]), Self.contact("b", ["b@x.io"]), Self.contact("c", ["c@x.io"])]
        let file = [Self.contact("b", ["b2@x.io"], line: 2), Self.contact("d", ["d@x.io"], line: 3)]
        let out = ContactOverlay.apply(store: store, imports: file)
        #expect(out.map(\.id) == ["b", "d", "a", "c"])
        #expect(out.map(\.line) == [2, 3, 0, 0])
        #expect(out[0].emails.map(\.raw) == ["b2@x.io"])
    }

    @Test func anAddressAnotherContactHoldsIsKeptWithoutAKeyAsTheStoreDoes() {
        let store = [Self.contact("a", ["shared@x.io"])]
        let file = [Self.contact("b", ["Shared@x.io", "own@x.io", "OWN@x.io"], line: 2)]
        let b = ContactOverlay.apply(store: store, imports: file)[0]
        #expect(b.emails.map(\.key) == [nil, "own@x.io", nil])
        #expect(b.emails.map(\.issue) == ["held-by:a", nil, "repeated"])
        // A contact of the file taking back its own address from its earlier emails is not held by itself.
        let again = ContactOverlay.apply(store: [Self.contact("a", ["shared@x.io"])],
                                         imports: [Self.contact("a", ["other@x.io", "shared@x.io"], line: 2)])
        #expect(again[0].emails.map(\.issue) == [nil, nil])
        // The written keys find the shared address for duplicate groups.
        let groups = ContactDuplicates.groups(ContactOverlay.writtenKeys(ContactOverlay.apply(store: store, imports: file)))
        #expect(groups.map(\.contactIds) == [["b", "a"]])
        #expect(ContactOverlay.asImported(b).emails.map(\.key) == ["shared@x.io", "own@x.io", "own@x.io"])
    }

    @Test func aRowImportedBeforeOrAMergedAwayContactLeavesTheStoreAsItIs() {
        // The store's b was edited (an address added) after its row was imported; a was merged away.
        let row = Self.contact("b", ["b@x.io"], line: 2)
        let store = [Self.contact("b", ["b@x.io", "b2@x.io"])]
        let file = [row, Self.contact("a", ["a@x.io"], line: 3)]
        let out = ContactOverlay.apply(store: store, imports: file, fileRows: ["b": ContactOverlay.fileRow(row)],
                                       mergedAway: ["a"])
        #expect(out.map(\.id) == ["b"])
        #expect(out[0].emails.map(\.raw) == ["b@x.io", "b2@x.io"] && out[0].line == 0)
        // The row changed in the file: it wins.
        var changed = row
        changed.name = "Bea"
        let again = ContactOverlay.apply(store: store, imports: [changed], fileRows: ["b": ContactOverlay.fileRow(row)])
        #expect(again[0].name == "Bea" && again[0].emails.map(\.raw) == ["b@x.io"] && again[0].line == 2)
    }

    @Test func exportNeutralizesFormulaCellsAndImportReadsThemBack() {
        let names = ["=SUM(A1)", "+1 555", "-dash", "@at", "\tTab", "'=quoted", "''+two", "'plain", "'", "plain",
                     "Ünïcode"]
        let contacts = names.enumerated().map { i, n in
            Contact(id: "c\(i)", name: n, emails: [ContactsCSV.contactEmail("-user\(i)@x.io"),
                                                 ContactsCSV.contactEmail("ok\(i)@x.io")], line: i + 2)
        }
        let csv = ContactsExportCSV.csv(contacts)
        for line in csv.split(separator: "\r\n").dropFirst() {
            for cell in line.split(separator: ",") {
                let c = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                #expect(!["=", "+", "-", "@", "\t"].contains(c.first.map(String.init) ?? ""), "\(line)")
            }
        }
        let (parsed, issues) = ContactsCSV.parse(Array(csv.utf8))
        #expect(issues.isEmpty)
        #expect(parsed.map(\.id) == contacts.map(\.id))
        // Names round-trip except the leading tab, which the import trims as it always did.
        #expect(parsed.map(\.name) == names.map { $0 == "\tTab" ? "Tab" : $0 })
        #expect(parsed.map { $0.emails.map(\.key) } == contacts.map { $0.emails.map(\.key) })
    }
}
