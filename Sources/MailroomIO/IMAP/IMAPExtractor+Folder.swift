import Foundation
import MailroomCore

extension IMAPExtractor {
    /// Which UIDs to consider after EXAMINE, and the window their INTERNALDATE must fall in (nil keeps all).
    typealias Selection = (IMAPSession, IMAPFolderStatus) throws -> (uids: [UInt64], window: DateWindow?)

    /// Reads one folder: EXAMINE, select UIDs, list sizes/dates/flags, then fetch the bodies not yet committed,
    /// batch by batch, each batch committed and checkpointed. Retried (reconnecting) on network failures; a retry
    /// resumes from the last committed batch.
    func extractFolder(_ folder: IMAPListedFolder, select: @escaping Selection) throws -> ([MessageCopy], IMAPFolderReport) {
        if let done = checkpoint.folder(folder.name), done.complete {
            let raw = try IMAPRawFolder(directory: rawDirectory, folder: folder.name,
                                        uidValidity: UInt64(done.uidValidity), resume: done)
            let copies = try raw.committedCopies()
            rememberGmail(copies)
            var r = IMAPFolderReport(folder: folder.name, uidValidity: UInt64(done.uidValidity))
            r.copies = copies.count
            r.resumed = copies.count
            r.highestUID = max(UInt64(done.highestUID), copies.compactMap { $0.imap.map { UInt64($0.uid) } }.max() ?? 0)
            if let h = highestSeen[folder.name] { r.highestUID = max(r.highestUID, h) }
            return (copies, r)
        }
        var report: IMAPFolderReport?
        var fetchedTotal = 0, bytesTotal = 0, reusedTotal = 0
        let copies: [MessageCopy] = try withSession { s in
            let status = try s.examine(folder.wireName)
            let raw = try IMAPRawFolder(directory: rawDirectory, folder: folder.name, uidValidity: status.uidValidity,
                                        resume: checkpoint.folder(folder.name))
            var copies = try raw.committedCopies()
            rememberGmail(copies)
            let done = Set(copies.compactMap { $0.imap.map { UInt64($0.uid) } })
            var r = IMAPFolderReport(folder: folder.name, uidValidity: status.uidValidity)
            r.resumed = copies.count
            let (candidates, window) = try select(s, status)
            // The cursor to keep: everything up to the folder's newest UID is read, except when messages newer
            // than the window's end were left out (a window ending in the past): then only below the first such UID.
            var highest = max(candidates.max() ?? 0, (status.uidNext ?? 1) - 1)
            if candidates.isEmpty && status.uidNext == nil { highest = 0 }

            // Listing: size, date, flags (and X-GM-MSGID) of every candidate, to filter before fetching bodies.
            var listed: [IMAPFetchResult] = []
            var firstTooNew: UInt64?
            let todo = candidates.filter { !done.contains($0) }
            for batch in todo.chunked(options.batchSize) {
                try s.fetch(IMAPCommand.fetchListing(batch, gmail: s.isGmail)) { f in
                    if let window {
                        guard let d = f.internalDate else { return }
                        if d >= window.end, let u = f.uid { firstTooNew = min(firstTooNew ?? u, u) }
                        if !window.contains(d) { return }
                    }
                    listed.append(f)
                }
            }
            if let t = firstTooNew { highest = min(highest, t > 0 ? t - 1 : 0) }  // UID 0 is malformed, not a trap
            r.highestUID = max(highest, highestSeen[folder.name] ?? 0)
            highestSeen[folder.name] = r.highestUID
            listed.sort { $0.uid! < $1.uid! }

            for batch in listed.chunked(options.rateLimit.batchSize(default: options.batchSize)) {
                var byUID: [UInt64: IMAPFetchResult] = [:]
                var needBodies: [UInt64] = []
                for f in batch {
                    if let g = f.gmMsgId, let known = gmailLocators[g] {
                        // Gmail label copy: one message, bytes already fetched under another label.
                        let c = makeCopy(folder: folder.name, uidValidity: status.uidValidity, listing: f,
                                         locator: known.locator, headerDate: known.date)
                        raw.record(c)
                        copies.append(c)
                        reusedTotal += 1
                    } else {
                        byUID[f.uid!] = f
                        needBodies.append(f.uid!)
                    }
                }
                var batchBytes = 0
                if !needBodies.isEmpty {
                    try s.fetch(IMAPCommand.fetchBodies(needBodies, gmail: s.isGmail)) { f in
                        guard let uid = f.uid, let listing = byUID[uid], let body = f.body else { return }
                        let expected = f.size ?? listing.size
                        guard expected == body.count else {
                            throw MailroomError(.network, "folder \"\(folder.name)\" UID \(uid): received \(body.count) bytes but RFC822.SIZE says \(expected.map(String.init) ?? "nothing")",
                                                location: folder.name)
                        }
                        let loc = try raw.append(body: body)
                        var merged = listing
                        if let fl = f.flags { merged.flags = fl }
                        let headerDate = body.withUnsafeBytes { HeaderScan.isoDate(in: $0) }
                        let c = makeCopy(folder: folder.name, uidValidity: status.uidValidity, listing: merged, locator: loc,
                                         headerDate: headerDate)
                        raw.record(c)
                        copies.append(c)
                        if let g = merged.gmMsgId { gmailLocators[g] = (loc, c.date) }
                        byUID[uid] = nil
                        batchBytes += body.count
                        fetchedTotal += 1
                    }
                }
                bytesTotal += batchBytes
                checkpoint.update(try raw.commit(highestUID: r.highestUID))
                try IMAPCheckpointFile.write(checkpoint, to: checkpointPath)
                r.fetched = fetchedTotal
                r.bytes = bytesTotal
                r.reused = reusedTotal
                r.copies = copies.count
                try afterBatch?(r)
                pace(messages: needBodies.count, bytes: batchBytes)
            }
            checkpoint.update(try raw.commit(complete: true, highestUID: r.highestUID))
            try IMAPCheckpointFile.write(checkpoint, to: checkpointPath)
            r.fetched = fetchedTotal
            r.bytes = bytesTotal
            r.reused = reusedTotal
            r.copies = copies.count
            report = r
            return copies
        }
        let sorted = copies.sorted { ($0.imap?.uid ?? 0) < ($1.imap?.uid ?? 0) }
        return (sorted, report!)
    }

    /// The copy of a fetched message. `date` is the Date header (as the file sources write it) when it parses,
    /// else INTERNALDATE.
    func makeCopy(folder: String, uidValidity: UInt64, listing f: IMAPFetchResult, locator: Locator,
                  headerDate: String?) -> MessageCopy {
        let uid = f.uid ?? 0
        return MessageCopy(
            copyId: IMAPExtractor.copyId(mailbox: mailbox, folder: folder, uidValidity: uidValidity, uid: uid),
            mailbox: mailbox, source: .imap, folder: folder, locator: locator,
            flags: IMAPFetchResult.mailroomFlags(f.flags ?? []),
            date: headerDate ?? f.internalDate.map(MailDate.iso),
            imap: IMAPCoordinates(uidValidity: Int(uidValidity), uid: Int(uid), gmMsgId: f.gmMsgId))
    }

    func rememberGmail(_ copies: [MessageCopy]) {
        for c in copies { if let g = c.imap?.gmMsgId, gmailLocators[g] == nil { gmailLocators[g] = (c.locator, c.date) } }
    }

    /// Sleeps as long as the rate limit asks after `messages` more messages and `bytes` more bytes.
    func pace(messages: Int, bytes: Int) {
        rateMessages += messages
        rateBytes += bytes
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - rateStart.uptimeNanoseconds) / 1e9
        let wait = options.rateLimit.pause(messages: rateMessages, bytes: rateBytes, elapsed: elapsed)
        if wait > 0 { sleep(wait) }
    }
}
