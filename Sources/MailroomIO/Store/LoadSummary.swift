/// What a load did. Counts are over the whole run's input (the same after a resumed run as after a clean one).
public struct LoadSummary: Sendable, Equatable {
    public var runId: String
    /// `phase:position` the load continued from, when it resumed an interrupted load of the same run.
    public var resumedFrom: String?
    public var contacts = 0
    public var threads = 0
    public var messages = 0
    public var copies = 0
    public var links = 0
    /// Links match flagged as ambiguous (several contacts hold the address): stored unlinked.
    public var ambiguousLinks = 0
    /// Contacts this run created from sent mail (store count).
    public var contactsCreated = 0
    /// Threads kept internal although a load saw external participants in them (store count, all runs).
    public var threadsHeldInternal = 0

    /// One line for a person (also stored as the run's message).
    public var message: String {
        var m = "loaded \(messages) messages (\(copies) copies) in \(threads) threads, \(contacts) contacts, "
            + "\(links) participant links"
        if ambiguousLinks > 0 { m += "; \(ambiguousLinks) ambiguous links left unlinked" }
        if contactsCreated > 0 { m += "; \(contactsCreated) contacts created from sent mail" }
        if threadsHeldInternal > 0 { m += "; \(threadsHeldInternal) internal threads kept internal" }
        return m
    }

    var countsJSON: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("contacts", contacts)
        w.field("threads", threads)
        w.field("messages", messages)
        w.field("copies", copies)
        w.field("links", links)
        w.field("ambiguousLinks", ambiguousLinks)
        w.field("contactsCreated", contactsCreated)
        w.field("threadsHeldInternal", threadsHeldInternal)
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
