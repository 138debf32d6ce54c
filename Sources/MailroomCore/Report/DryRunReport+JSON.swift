extension DryRunReport {
    /// One JSON document, keys in a fixed order.
    public func jsonBytes() -> [UInt8] {
        var w = JSONWriter(reserving: 16384)
        w.beginObject()
        w.field("schemaVersion", DryRunReport.schema)
        w.key("run")
        w.objectValue { w in
            w.field("runId", run.runId)
            w.field("pipeline", run.pipeline)
            w.field("asOf", run.asOf)
            w.field("days", run.days)
            w.field("windowStart", run.windowStart)
            w.field("windowEnd", run.windowEnd)
        }
        w.key("messages")
        w.objectValue { w in
            w.field("found", messages.found)
            w.field("extracted", messages.extracted)
            w.field("outsideWindow", messages.outsideWindow)
            w.key("leftOut")
            w.objectValue { w in
                for r in LeftOutReason.allCases { w.field(r.rawValue, messages.leftOut[r] ?? 0) }
            }
            w.field("undated", messages.undated)
            w.field("quarantined", messages.quarantined)
            w.field("duplicates", messages.duplicates)
            w.field("mergedCopies", messages.mergedCopies)
            w.field("unique", messages.unique)
            w.field("sent", messages.sent)
            w.field("received", messages.received)
            w.field("bulk", messages.bulk)
        }
        w.key("threads")
        w.objectValue { w in
            w.field("total", threads.total)
            w.field("matched", threads.matched)
            w.field("unmatched", threads.unmatched)
            w.field("internalOnly", threads.internalOnly)
        }
        w.key("contacts")
        w.objectValue { w in
            w.field("total", contacts.total)
            w.field("withoutAddress", contacts.withoutAddress)
            w.field("matched", contacts.matched)
            w.field("duplicateGroups", contacts.duplicateGroups.count)
            w.field("groups", contacts.duplicateGroups)
        }
        w.key("duplicatesByReason"); Self.writeCounts(&w, duplicatesByReason)
        w.key("quarantine")
        w.objectValue { w in
            w.key("byReason"); Self.writeCounts(&w, quarantineByReason)
            w.field("messages", quarantined)
        }
        w.key("bulkByReason"); Self.writeCounts(&w, bulkByReason)
        w.key("issues"); Self.writeCounts(&w, issues)
        w.field("ambiguousAddresses", ambiguousAddresses)
        w.field("unmatchedAddresses", unmatchedAddresses)
        w.key("cleanup"); cleanup.writeJSON(&w)
        w.key("perDay")
        w.arrayValue { w in
            for d in perDay {
                w.objectValue { w in
                    w.field("day", d.day)
                    w.field("sent", d.sent)
                    w.field("received", d.received)
                }
            }
        }
        w.key("folders"); Self.writeCounts(&w, folders)
        w.key("spotChecks")
        w.arrayValue { w in
            for s in spotChecks {
                w.objectValue { w in
                    w.field("threadId", s.threadId)
                    w.field("subject", s.subject)
                    w.field("contacts", s.contacts)
                    w.field("external", s.external)
                    w.field("messages", s.messages)
                    w.field("lastDate", s.lastDate)
                }
            }
        }
        if !imapFolders.isEmpty {
            w.key("imapFolders")
            w.arrayValue { w in
                for f in imapFolders {
                    w.objectValue { w in
                        w.field("mailbox", f.mailbox)
                        w.field("folder", f.folder)
                        w.key("missingUIDs")
                        w.arrayValue { w in for u in f.missingUIDs { w.int(Int(u)) } }
                        w.field("note", f.note)
                    }
                }
            }
        }
        w.endObject()
        return w.bytes
    }

    static func writeCounts(_ w: inout JSONWriter, _ counts: [String: Int]) {
        w.objectValue { w in for k in counts.keys.sorted() { w.field(k, counts[k]!) } }
    }
}
