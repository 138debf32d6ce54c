import Testing
@testable import MailroomIO
import MailroomCore

/// Contacts created from sent mail, resolved for a whole links batch at once in PostgreSQL (`PGCreatedContacts`):
/// the same contacts and links as SQLite's look-up address by address, whatever the batch size, including
/// addresses of one batch that fold onto each other (`+tag`, Gmail dots) and addresses an imported contact holds
/// only by its folded key.
@Suite("PostgreSQL contacts created from sent mail", .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresCreatedContactsTests {
    typealias F = StoreFixture

    /// Sent mail as Gmail and Outlook users address it: a `+tag` address first, then the plain one; Gmail with
    /// and without dots; a tagged address of a partner whose plain address is imported; two tagged addresses of a
    /// domain whose plain form two imported contacts fold onto.
    static var input: LoadInput {
        let messages = [
            F.message("s1", from: F.owner, to: ["j.doe+news@gmail.com"], subject: "Newsletter signup",
                      date: "2024-05-01T09:00:00Z", folder: "Sent", toNames: ["j.doe+news@gmail.com": "Jane Doe"]),
            F.message("s2", from: F.owner, to: ["jdoe@gmail.com", "ab+z@y.io"], cc: ["ab@y.io"], subject: "Hi Jane",
                      date: "2024-05-01T10:00:00Z", folder: "Sent"),
            F.message("s3", from: F.owner, to: ["sam.lee+crm@partner.com"], cc: ["q@t.io"], subject: "Contract",
                      date: "2024-05-02T10:00:00Z", folder: "Sent"),
            F.message("s4", from: F.owner, to: ["JDoe@gmail.com", "zed@new.org"], cc: ["Zed@New.org"], subject: "Again",
                      date: "2024-05-03T10:00:00Z", folder: "Sent"),
            F.message("r1", from: "jdoe@gmail.com", to: [F.owner], subject: "Re: Hi Jane", date: "2024-05-04T10:00:00Z"),
        ]
        let contacts = F.contacts + [F.contact("c9", "Sam Lee", ["Sam.Lee@partner.com"], line: 4),
                                     F.contact("c11", "Q Two", ["q+2@t.io"], line: 5),
                                     F.contact("c10", "Q One", ["q+1@t.io"], line: 6)]
        return F.input(messages, threads: ["mid:s1": "t1", "mid:s2": "t1", "mid:s3": "t2", "mid:s4": "t1", "mid:r1": "t1"],
                       contacts: contacts)
    }

    @Test(arguments: [1, 3, 5000])
    func theBatchCreatesAndLinksTheContactsSQLiteCreatesAndLinks(batchSize: Int) throws {
        let options = LoadOptions(createContacts: .sent, batchSize: batchSize)
        let (lite, _) = try PostgresLoadTests.sqliteDump([(F.run, Self.input)], options: options)
        let c = try PostgresLoadTests.newDatabase()
        try PostgresLoadTests.pgLoad(c, Self.input, options: options)
        let pg = try StoreDump.canonical(c)
        #expect(pg == lite)
        // One contact for Jane's Gmail, named `auto:` + its folded key, whichever spelling came first: the tagged,
        // plain and capitalised forms all link to it; its email is the plain spelling (`CreatedContactRules`).
        #expect(pg.contains("contacts|id='auto:jdoe@gmail.com'|name='Jane Doe'|origin='created-from-sent'"))
        #expect(!pg.contains("auto:j.doe"))
        #expect(pg.contains("contact_emails|contact_id='auto:jdoe@gmail.com'|position=0|raw='JDoe@gmail.com'|address='JDoe@gmail.com'|key='jdoe@gmail.com'|folded_key='jdoe@gmail.com'"))
        #expect(pg.contains("participants|message_key='mid:s1'|role='to'|address='j.doe+news@gmail.com'|is_internal=0|contact_id='auto:jdoe@gmail.com'|rule='created-from-sent'"))
        // `ab+z@y.io`, met first, and `ab@y.io` are one contact, which keeps the untagged spelling as its email and name.
        #expect(pg.contains("participants|message_key='mid:s2'|role='to'|address='ab+z@y.io'|is_internal=0|contact_id='auto:ab@y.io'"))
        #expect(pg.contains("contacts|id='auto:ab@y.io'|name='ab@y.io'"))
        #expect(pg.contains("contact_emails|contact_id='auto:ab@y.io'|position=0|raw='ab@y.io'"))
        // Held by imported contacts through their folded keys: no contact created, no link.
        #expect(!pg.contains("auto:sam.lee") && !pg.contains("auto:q@t.io"))
        #expect(pg.contains("participants|message_key='mid:s3'|role='to'|address='sam.lee+crm@partner.com'|is_internal=0|contact_id=NULL"))
        // A second load of the same run (the contacts now in the store) changes nothing.
        try PostgresLoadTests.pgLoad(c, Self.input, options: options)
        #expect(try StoreDump.canonical(c) == pg)
    }
}
