import Testing
@testable import MailroomCore

/// A message that reuses another message's Message-ID (another sender or date, key `mid:<id>#…`) is threaded by
/// its own In-Reply-To / References, also when they name that id: a help desk's update reusing the ticket's id
/// and naming the ticket. Whichever of the two dedupe keyed `mid:<id>` (input order decides), one thread.
@Suite struct ReusedIdThreadingTests {
    typealias T = Threading

    static let ticket = T.msg("ticket-77@help.example", subject: "Ticket 77 received", date: "2026-11-16T10:00:00Z")
    static let reply = T.msg("dana-77@northwind.example", irt: ["ticket-77@help.example"],
                             refs: ["ticket-77@help.example"], subject: "Re: Ticket 77 received",
                             date: "2026-11-16T11:00:00Z")

    @Test func anUpdateReusingTheTicketsIdAndNamingItJoinsTheTicketsThread() {
        let update = T.msg("ticket-77@help.example", key: "mid:ticket-77@help.example#0123456789ab",
                           irt: ["ticket-77@help.example"], refs: ["ticket-77@help.example"],
                           subject: "Ticket 77 updated", date: "2026-11-17T10:00:00Z")
        let a = T.assign([Self.ticket, Self.reply, update])
        #expect(a.threadCount == 1)
        #expect(a.threadId(for: update.key) == T.tid("ticket-77@help.example"))
    }

    /// The update came first in the input, so it holds the plain key; the ticket reuses it. The update names only
    /// its own id: its parent is the older message with that id.
    @Test func theSameWhenTheUpdateHoldsThePlainKey() {
        let update = T.msg("ticket-77@help.example", irt: ["ticket-77@help.example"], refs: ["ticket-77@help.example"],
                           subject: "Ticket 77 updated", date: "2026-11-17T10:00:00Z")
        var ticket = Self.ticket
        ticket.key = "mid:ticket-77@help.example#ba9876543210"
        let a = T.assign([update, ticket, Self.reply])
        #expect(a.threadCount == 1)
        #expect(a.threadId(for: update.key) == a.threadId(for: ticket.key))
        #expect(a.threadId(for: Self.reply.key) == a.threadId(for: ticket.key))
    }

    /// A message holding the plain key and naming its own id is never made the child of a younger message
    /// reusing the id, and a message naming only its own id with nobody reusing it stays alone.
    @Test func onlyAnOlderReuserCanBeTheParentAndSelfReferencesAloneLinkNothing() {
        let older = T.msg("x@localhost", irt: ["x@localhost"], date: "2026-11-10T10:00:00Z")
        let younger = T.msg("x@localhost", key: "mid:x@localhost#0123456789ab", date: "2026-11-12T10:00:00Z")
        let a = T.assign([older, younger])
        #expect(a.threadCount == 2)
        #expect(T.assign([T.msg("y@x", irt: ["y@x"], refs: ["y@x"])]).threadCount == 1)
    }

    /// A reused-id message naming another message in the mailbox is threaded under it (as before).
    @Test func aReusedIdMessageIsThreadedUnderTheParentItNames() {
        let quote = T.msg("quote-5@northwind.example", subject: "Quote 5", date: "2026-11-12T14:00:00Z")
        let alex = T.msg("c@localhost", subject: "Benchmark results", date: "2026-11-13T09:30:00Z")
        let marta = T.msg("c@localhost", key: "mid:c@localhost#0123456789ab", irt: ["quote-5@northwind.example"],
                          refs: ["quote-5@northwind.example"], subject: "Re: Quote 5", date: "2026-11-13T09:30:00Z")
        let t = T.table([alex, marta, quote])
        #expect(t[marta.key] == T.tid("quote-5@northwind.example"))
        #expect(t[alex.key] == T.tid("c@localhost"))
    }
}
