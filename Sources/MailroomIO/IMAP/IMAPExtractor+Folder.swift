import Foundation
import MailroomCore

/// Which UIDs a folder read considers, chosen after EXAMINE.
struct IMAPFolderSelection {
    var uids: [UInt64]
    /// The window their INTERNALDATE must fall in (nil keeps all).
    var window: DateWindow?
    /// The stored cursor under the folder's current UIDVALIDITY (nil: none, or the folder was renumbered).
    var previous: UInt64? = nil
    /// Every UID the server holds above `previous` (defaults to `uids`: a read of everything above it).
    var above: [UInt64]? = nil
}

extension IMAPExtractor {
    typealias Selection = (IMAPSession, IMAPFolderStatus) throws -> IMAPFolderSelection

    /// Reads one folder: EXAMINE, select UIDs, list sizes/dates/flags (with `allMail`, labels: drafts are left out
    /// here, counted, and passed by the cursor), then fetch the bodies not yet committed,
    /// batch by batch, each batch committed and checkpointed. UIDs the server leaves out of an answer are asked
    /// for again (bounded retries with the retry policy's backoff); those it never delivers are reported and the
    /// folder's cursor stays below the first of them (`IMAPCursorDecision`). Retried (reconnecting) on network
    /// failures; a retry resumes from the last committed batch.
    func extractFolder(_ folder: IMAPListedFolder, select: @escaping Selection) throws -> ([MessageCopy], IMAPFolderReport) {
        if let done = checkpoint.folder(folder.name), done.complete {
            let raw = try IMAPRawFolder(directory: rawDirectory, folder: folder.name,
                                        uidValidity: UInt64(done.uidValidity), resume: done)
            // In UID order, as a folder read returns them (the journal holds copies recorded without a fetch first).
            let copies = try raw.committedCopies().sorted { ($0.imap?.uid ?? 0) < ($1.imap?.uid ?? 0) }
            rememberGmail(copies)
            var r = IMAPFolderReport(folder: folder.name, uidValidity: UInt64(done.uidValidity))
            r.copies = copies.count
            r.resumed = copies.count
            r.highestUID = UInt64(done.highestUID)  // the cursor decided when the folder was completed
            r.drafts = done.drafts
            return (copies, r)
        }
        // Counts of fetched, reused and bytes add up over the attempts of a folder (a retry after a network failure
        // resumes from the last committed batch).
        var r = IMAPFolderReport(folder: folder.name, uidValidity: 0)
        let copies: [MessageCopy] = try withSession { s in
            let status = try s.examine(folder.wireName)
            let raw = try IMAPRawFolder(directory: rawDirectory, folder: folder.name, uidValidity: status.uidValidity,
                                        resume: checkpoint.folder(folder.name))
            var copies = try raw.committedCopies()
            rememberGmail(copies)
            let done = Set(copies.compactMap { $0.imap.map { UInt64($0.uid) } })
            r.uidValidity = status.uidValidity
            r.resumed = copies.count
            let selection = try select(s, status)

            // Listing: size, date, flags (and X-GM-MSGID) of every candidate, to filter before fetching bodies.
            // Gmail All Mail: drafts are left out before any body is fetched (each attempt lists them all again).
            var listing = try listCandidates(s, selection.uids.filter { !done.contains($0) }, window: selection.window)
            let drafts = Set(listing.listed.compactMap { isLeftOutDraft($0) ? $0.uid! : nil })
            listing.listed.removeAll { drafts.contains($0.uid!) }
            r.drafts = drafts.count
            var gone = listing.gone
            var pending: [IMAPFetchResult] = []
            let poisoned = self.poisoned[folder.name] ?? [], suspects = self.suspects[folder.name] ?? []
            let skipped = listing.listed.compactMap { poisoned.contains($0.uid!) ? $0.uid! : nil }
            let toFetch = listing.listed.filter { !poisoned.contains($0.uid!) }
            // Bodies a dropped connection cut off are asked for alone, so one the server cannot send is found.
            let batches = toFetch.filter { suspects.contains($0.uid!) }.map { [$0] }
                + toFetch.filter { !suspects.contains($0.uid!) }.chunked(options.rateLimit.batchSize(default: options.batchSize))
            for batch in batches {
                try awaitDailyAllowance(batch)
                pending += try fetchBodies(s, folder: folder.name, uidValidity: status.uidValidity, raw: raw, batch,
                                           copies: &copies, report: &r)
            }
            // Bodies the server left out: asked for again, with the retry policy's backoff.
            var attempt = 0
            while !pending.isEmpty {
                attempt += 1
                guard let still = try beforeAskingAgain(s, pending.map { $0.uid! }, attempt: attempt, left: "a FETCH answer",
                                                        folder: folder.name, gone: &gone) else { break }
                var next: [IMAPFetchResult] = []
                for batch in pending.filter({ still.contains($0.uid!) }).chunked(options.rateLimit.batchSize(default: options.batchSize)) {
                    try awaitDailyAllowance(batch)
                    next += try fetchBodies(s, folder: folder.name, uidValidity: status.uidValidity, raw: raw, batch,
                                            copies: &copies, report: &r)
                }
                pending = next
            }
            let missing = (listing.unlisted + pending.map { $0.uid! } + skipped).sorted()
            // The folder's newest UID: UIDNEXT - 1, or a higher UID the search answered. Not one the folder then
            // said it does not hold (`gone`): expunged meanwhile, or never there (a server listing UIDs it lacks),
            // which would put the cursor past mail still to come.
            let serverHighest = max(selection.uids.filter { !gone.contains($0) }.max() ?? 0, (status.uidNext ?? 1) - 1)
            // Drafts left out count as read: the cursor passes them.
            let loaded = Set(copies.compactMap { $0.imap.map { UInt64($0.uid) } }).union(drafts)
            let decision = IMAPCursorDecision.decide(IMAPFolderRead(
                previous: selection.previous, serverHighest: serverHighest,
                above: selection.previous == nil ? nil : (selection.above ?? selection.uids),
                loaded: loaded.union(gone), firstTooNew: listing.firstTooNew, missing: missing))
            r.highestUID = decision.highestUID
            r.missingUIDs = missing
            r.cursorNote = decision.note(folder: folder.name, serverHighest: serverHighest, retries: options.retry.maxRetries)
            if let note = r.cursorNote {
                logger.warning("IMAP cursor held back", metadata: ["mailbox": "\(mailbox)", "note": "\(note)"])
            }
            // A folder with undelivered UIDs is not complete: resuming the run's extract asks for them again.
            checkpoint.update(try raw.commit(complete: missing.isEmpty, highestUID: decision.highestUID, drafts: r.drafts))
            try IMAPCheckpointFile.write(checkpoint, to: checkpointPath)
            r.copies = copies.count
            return copies
        }
        let sorted = copies.sorted { ($0.imap?.uid ?? 0) < ($1.imap?.uid ?? 0) }
        return (sorted, r)
    }

    /// The copy of a fetched message. `date` is the Date header (as the file sources write it) when it parses,
    /// else INTERNALDATE.
    func makeCopy(folder: String, uidValidity: UInt64, listing f: IMAPFetchResult, locator: Locator,
                  headerDate: String?) -> MessageCopy {
        let uid = f.uid ?? 0
        return MessageCopy(
            copyId: IMAPExtractor.copyId(mailbox: mailbox, folder: folder, uidValidity: uidValidity, uid: uid),
            mailbox: mailbox, source: .imap, folder: folder, locator: locator,
            flags: IMAPFetchResult.mailroomFlags(f.flags ?? []), labels: f.labels,
            date: headerDate ?? f.internalDate.map(MailDate.iso),
            imap: IMAPCoordinates(uidValidity: Int(uidValidity), uid: Int(uid), gmMsgId: f.gmMsgId))
    }

    func rememberGmail(_ copies: [MessageCopy]) {
        for c in copies { if let g = c.imap?.gmMsgId, gmailLocators[g] == nil { gmailLocators[g] = (c.locator, c.date) } }
    }

    /// Before fetching `batch`: when its announced sizes do not fit in what is left of the day's download allowance
    /// (`throttle.bytesPerDay`, preset for Gmail), waits for the next day of the run, then drops the session (the
    /// server has closed it meanwhile) so `withSession` reopens it and the folder resumes from its checkpoint.
    func awaitDailyAllowance(_ batch: [IMAPFetchResult]) throws {
        guard options.rateLimit.bytesPerDay > 0 else { return }
        // Saturating: a hostile listing may announce sizes near Int.max.
        let next = batch.reduce(0) { IMAPListingCount.adding($0, max(0, $1.size ?? 0)) }
        // Once a wait for day k ended, the run is in day k even if the clock says otherwise (a wait cut short).
        let elapsed = max(allowanceClock, Double(DispatchTime.now().uptimeNanoseconds - rateStart.uptimeNanoseconds) / 1e9)
        let w = options.rateLimit.dailyWait(fetched: rateBytes, next: next, elapsed: elapsed)
        guard w > 0 else { return }
        allowanceClock = elapsed + w
        dailyWaits += 1
        logger.warning("IMAP daily download allowance used: waiting for the next day of the run", metadata: [
            "mailbox": "\(mailbox)", "fetched bytes": "\(rateBytes)", "bytesPerDay": "\(options.rateLimit.bytesPerDay)",
            "wait seconds": "\(Int(w.rounded(.up)))", "note": "Ctrl-C stops at a checkpoint; the same command resumes"])
        try wait(w)
        session?.connection.close()
        session = nil
        throw SessionReopenDue()
    }

    /// Sleeps as long as the rate limit asks after `messages` more messages and `bytes` more bytes.
    func pace(messages: Int, bytes: Int) throws {
        rateMessages += messages
        rateBytes += bytes
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - rateStart.uptimeNanoseconds) / 1e9
        let pause = options.rateLimit.pause(messages: rateMessages, bytes: rateBytes, elapsed: elapsed)
        if pause > 0 { try wait(pause) }
    }

    /// Waits `seconds` (a backoff, a rate limit's pause), then stops with `InterruptedError` if SIGINT or SIGTERM
    /// arrived meanwhile (`sleep` returns early then). As safe as between two batches: every batch before is
    /// committed and checkpointed, and the one being asked for again is asked for again by the rerun.
    func wait(_ seconds: Double) throws {
        sleep(seconds)
        try Interrupt.check(.extract)
    }
}
