extension BackfillPlan {
    /// The plan as a table for a terminal, with the suggestion and the rule behind it, warnings and the source of
    /// the provider figures.
    public func text() -> String {
        let lastDay = CivilDay(epoch: asOf - 1).iso
        var out: [String] = []
        out.append("Backfill plan: windows ending \(lastDay) (UTC), at \(limits.name) limits "
            + "(\(NumberText.bytes(Int64(limits.bytesPerDay)))/day, \((limits.messagesPerSecond.rounded() == limits.messagesPerSecond ? NumberText.grouped(Int(limits.messagesPerSecond)) : NumberText.oneDecimal(limits.messagesPerSecond))) messages/s, "
            + "\(limits.connections) connections)")
        out.append("")
        let header = ["window", "messages", "size", "threads", "with contacts", "time at limits"]
        var rows: [[String]] = []
        for w in windows {
            rows.append(["\(w.days) days", NumberText.grouped(w.messages), NumberText.bytes(Int64(w.bytes)),
                         NumberText.grouped(w.threads), NumberText.grouped(w.matchedThreads),
                         NumberText.duration(seconds: Double(w.estimatedSeconds))
                             + (suggestion?.days == w.days ? "  <- suggested" : "")
                             + (w.reachesYearsBack ? "  (reaches back a year)" : "")])
        }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < 5 { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var s = "  " + cells[0].padding(toLength: widths[0], withPad: " ", startingAt: 0)
            for i in 1..<5 { s += "  " + String(repeating: " ", count: widths[i] - cells[i].count) + cells[i] }
            return s + "  " + cells[5]
        }
        out.append(line(header))
        for r in rows { out.append(line(r)) }
        out.append("")
        out.append(contentsOf: providerLines())
        out.append("")
        if let s = suggestion {
            out.append("Suggested window: \(s.days) days, \(s.rule).")
        } else {
            out.append("No window to suggest: no window was planned.")
        }
        let more = additions
        if let s = suggestion, !more.isEmpty {
            out.append("")
            out.append("What a larger window adds to the suggested \(s.days) days, and what it costs:")
            for w in more {
                out.append("  \(w.days) days: +\(NumberText.grouped(w.matchedThreads)) threads with contacts; noise "
                    + "+\(NumberText.grouped(w.unmatchedThreads)) unmatched threads, +\(NumberText.grouped(w.bulkMessages)) bulk "
                    + "messages; +\(NumberText.grouped(w.messages)) messages, +\(NumberText.bytes(Int64(w.bytes))), "
                    + "+\(NumberText.duration(seconds: Double(w.estimatedSeconds))) at \(limits.name) limits")
            }
            out.append("Load a larger window only after reviewing the first and cleaning up contacts "
                + "(purposes: --purpose handoff 7–14, sales or support 30–60, history longer).")
        }
        if let cleanup {
            let lines = cleanup.lines()
            if !lines.isEmpty { out.append("") }
            out.append(contentsOf: lines)
        }
        for w in warnings { out.append("Warning: " + w) }
        if undated > 0 {
            out.append("\(NumberText.grouped(undated)) \(undated == 1 ? "message has no date and is" : "messages have no date and are") in no window's figures "
                + "(a dry run keeps them whatever the window).")
        }
        if afterWindowEnd > 0 {
            out.append("\(NumberText.grouped(afterWindowEnd)) \(afterWindowEnd == 1 ? "message is" : "messages are") dated after the window end and not counted.")
        }
        out.append("Time is the larger of size ÷ daily download allowance and messages ÷ message rate.")
        out.append("Figures: \(limits.source).")
        return out.joined(separator: "\n") + "\n"
    }

    /// One JSON document, keys in a fixed order. Schema `mailroom.plan/1`.
    public func jsonBytes() -> [UInt8] {
        var w = JSONWriter(reserving: 2048)
        w.beginObject()
        w.field("schemaVersion", Self.schema)
        w.key("asOf"); w.int(Int(asOf))
        w.field("lastDay", CivilDay(epoch: asOf - 1).iso)
        w.key("limits")
        w.objectValue { w in
            w.field("name", limits.name)
            w.field("bytesPerDay", limits.bytesPerDay)
            w.field("messagesPerSecond", limits.messagesPerSecond)
            w.field("connections", limits.connections)
            w.field("source", limits.source)
        }
        w.key("windows")
        w.arrayValue { w in
            for win in windows {
                w.objectValue { w in
                    w.field("days", win.days)
                    w.field("messages", win.messages)
                    w.field("bytes", win.bytes)
                    w.field("threads", win.threads)
                    w.field("matchedThreads", win.matchedThreads)
                    w.field("unmatchedThreads", win.unmatchedThreads)
                    w.field("bulkMessages", win.bulkMessages)
                    w.field("estimatedSeconds", win.estimatedSeconds)
                    w.key("secondsByProvider")
                    w.objectValue { w in
                        for (name, seconds) in zip(ProviderLimits.presets.map(\.name), win.secondsByProvider) { w.field(name, seconds) }
                    }
                    w.field("reachesYearsBack", win.reachesYearsBack)
                }
            }
        }
        w.field("purpose", purpose.rawValue)
        w.key("additions")
        w.arrayValue { w in
            for a in additions {
                w.objectValue { w in
                    w.field("days", a.days)
                    w.field("matchedThreads", a.matchedThreads)
                    w.field("unmatchedThreads", a.unmatchedThreads)
                    w.field("bulkMessages", a.bulkMessages)
                    w.field("messages", a.messages)
                    w.field("bytes", a.bytes)
                    w.field("estimatedSeconds", a.estimatedSeconds)
                }
            }
        }
        w.key("suggestion")
        if let s = suggestion {
            w.objectValue { w in
                w.field("days", s.days)
                w.field("referenceDays", s.referenceDays)
                w.field("referenceMatchedThreads", s.referenceMatchedThreads)
                w.field("targetMatchedThreads", s.targetMatchedThreads)
                w.field("matchedThreads", s.matchedThreads)
                w.field("rule", s.rule)
            }
        } else {
            w.null()
        }
        w.field("warnings", warnings)
        w.key("cleanup")
        if let c = cleanup {
            w.objectValue { w in
                w.field("lastLoad", c.lastLoad)
                w.field("pending", c.pending)
                w.field("cleanedSinceLoad", c.cleanedSinceLoad)
                w.field("duplicateGroups", c.duplicateGroups)
                w.key("unmatched")
                w.arrayValue { w in
                    for u in c.unmatched {
                        w.objectValue { w in
                            w.field("address", u.address)
                            w.field("messages", u.messages)
                        }
                    }
                }
            }
        } else {
            w.null()
        }
        w.field("undated", undated)
        w.field("afterWindowEnd", afterWindowEnd)
        w.endObject()
        return w.bytes
    }

    /// Time per window at each provider's limits, beside the plan's own provider's.
    func providerLines() -> [String] {
        let names = ProviderLimits.presets.map(\.name)
        var out = ["Time at each provider's limits ("
            + ProviderLimits.presets.map { p in "\(p.name) \(NumberText.bytes(Int64(p.name == limits.name ? limits.bytesPerDay : p.bytesPerDay)))/day" }
                .joined(separator: ", ") + "):"]
        for w in windows where w.secondsByProvider.count == names.count {
            out.append("  \(w.days) days: " + zip(names, w.secondsByProvider)
                .map { "\($0) \(NumberText.duration(seconds: Double($1)))" }.joined(separator: ", "))
        }
        return out
    }
}
