/// What `mailroom contacts import --json` prints: the store imported into, how many contacts the file held,
/// what the import changed and how many problems the file had (none of them fatal).
public struct ContactsImportResult: JSONWritable, Equatable {
    public var store: String
    public var contacts: Int
    public var summary: ContactImportSummary
    public var issues: Int

    public init(store: String, contacts: Int, summary: ContactImportSummary, issues: Int) {
        self.store = store
        self.contacts = contacts
        self.summary = summary
        self.issues = issues
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schemaVersion", 1)
        w.field("store", store)
        w.field("contacts", contacts)
        w.field("created", summary.created)
        w.field("updated", summary.updated)
        w.field("unchanged", summary.unchanged)
        w.field("replacedCreated", summary.replacedCreated)
        w.key("emailsSkipped")
        w.beginArray()
        for e in summary.emailsSkipped {
            w.objectValue { w in
                w.field("contactId", e.contactId)
                w.field("position", e.position + 1)
                w.field("heldBy", e.heldBy)
            }
        }
        w.endArray()
        w.field("issues", issues)
        w.endObject()
    }
}
