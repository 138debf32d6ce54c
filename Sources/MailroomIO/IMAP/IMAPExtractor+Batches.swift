import Foundation
import Logging
import MailroomCore

/// The listing of a folder's candidates: what arrived, and what did not.
struct IMAPCandidateListing {
    /// Answers in the window (all answers without one), by UID.
    var listed: [IMAPFetchResult] = []
    /// The first UID whose INTERNALDATE is after the window's end.
    var firstTooNew: UInt64?
    /// UIDs the server never listed, after the retries.
    var unlisted: [UInt64] = []
    /// UIDs the folder no longer holds (expunged while we read it).
    var gone: Set<UInt64> = []
}

extension IMAPExtractor {
    /// Lists size, date, flags (and X-GM-MSGID) of `uids`, keeping those in `window`. UIDs the server leaves out
    /// of its answers (`OK` or `NO Some messages could not be FETCHed`) are asked for again with the retry
    /// policy's backoff; a UID the folder no longer holds is `gone`, one never answered is `unlisted`.
    func listCandidates(_ s: IMAPSession, _ uids: [UInt64], window: DateWindow?) throws -> IMAPCandidateListing {
        var out = IMAPCandidateListing()
        var pending = uids
        var attempt = 0
        while !pending.isEmpty {
            let asked = Set(pending)
            var answered: Set<UInt64> = []
            for batch in pending.chunked(options.batchSize) {
                let command = IMAPCommand.fetchListing(batch, gmail: s.isGmail, labels: allMail)
                _ = try s.fetchAllowingOmissions(command) { f in
                    guard let u = f.uid, asked.contains(u), answered.insert(u).inserted else { return }
                    if let window {
                        guard let d = f.internalDate else { return }
                        if d >= window.end { out.firstTooNew = min(out.firstTooNew ?? u, u) }
                        if !window.contains(d) { return }
                    }
                    out.listed.append(f)
                }
            }
            pending = pending.filter { !answered.contains($0) }
            if pending.isEmpty { break }
            attempt += 1
            guard let still = try beforeAskingAgain(s, pending, attempt: attempt, left: "a listing", gone: &out.gone) else { break }
            pending = pending.filter { still.contains($0) }
        }
        out.unlisted = pending
        out.listed.sort { $0.uid! < $1.uid! }
        return out
    }

    /// Before asking again (`attempt` from 1) for `uids` the server left out of `left` (a listing, a FETCH
    /// answer): nil when the retry policy allows no more attempts; else, after its backoff, which of them the
    /// folder still holds (those it no longer holds are added to `gone`).
    func beforeAskingAgain(_ s: IMAPSession, _ uids: [UInt64], attempt: Int, left: String, folder: String? = nil,
                           gone: inout Set<UInt64>) throws -> Set<UInt64>? {
        guard let delay = options.retry.delay(beforeRetry: attempt) else { return nil }
        var metadata: Logger.Metadata = ["mailbox": "\(mailbox)", "uids": "\(IMAPCommand.uidSet(uids))",
                                         "attempt": "\(attempt)", "delay": "\(delay)"]
        if let folder { metadata["folder"] = "\(folder)" }
        logger.warning("IMAP server left messages out of \(left); asking again", metadata: metadata)
        try wait(delay)
        guard !uids.isEmpty else { return [] }
        let held = Set(try s.uidSearch(IMAPCommand.searchUIDs(uids)))
        gone.formUnion(Set(uids).subtracting(held))
        return held
    }

    /// Fetches the bodies of one batch of listed messages (Gmail label copies whose bytes are already here are
    /// recorded without a fetch), commits and checkpoints the batch, paces, and returns the listings whose body
    /// the server left out.
    func fetchBodies(_ s: IMAPSession, folder: String, uidValidity: UInt64, raw: IMAPRawFolder, _ batch: [IMAPFetchResult],
                     copies: inout [MessageCopy], report r: inout IMAPFolderReport) throws -> [IMAPFetchResult] {
        // A session whose OAuth2 token is about to expire is reopened with a new one first (`withSession`).
        if endpoint.tokenSource?.needsRenewal == true { throw OAuthRenewalDue() }
        var byUID: [UInt64: IMAPFetchResult] = [:]
        var needBodies: [UInt64] = []
        for f in batch {
            if let g = f.gmMsgId, let known = gmailLocators[g] {
                // Gmail label copy: one message, bytes already fetched under another label.
                let c = makeCopy(folder: folder, uidValidity: uidValidity, listing: f, locator: known.locator,
                                 headerDate: known.date)
                raw.record(c)
                copies.append(c)
                r.reused += 1
            } else if let size = f.size, size > options.maxMessageBytes {
                // Over the size limit: left on the server, recorded without bytes so normalize quarantines it and
                // the folder's cursor may pass it.
                var c = makeCopy(folder: folder, uidValidity: uidValidity, listing: f,
                                 locator: Locator(file: "", offset: 0, length: 0), headerDate: nil)
                c.tooLarge = size
                raw.record(c)
                copies.append(c)
                r.tooLarge += 1
                logger.warning("IMAP message over the size limit not fetched", metadata: [
                    "mailbox": "\(mailbox)", "folder": "\(folder)", "uid": "\(f.uid!)", "size": "\(size)"])
            } else {
                byUID[f.uid!] = f
                needBodies.append(f.uid!)
            }
        }
        var batchBytes = 0
        if !needBodies.isEmpty {
            var received: [MessageCopy] = []
            var located: [String] = []  // X-GM-MSGIDs first located in this batch (forgotten if it is not committed)
            let command = IMAPCommand.fetchBodies(needBodies, gmail: s.isGmail, labels: allMail)
            let answer: IMAPResponse
            do {
                answer = try s.fetchAnswer(command) { f in
                    guard let uid = f.uid, let listing = byUID[uid], let body = f.body else { return }
                    let expected = f.size ?? listing.size
                    guard expected == body.count else {
                        throw MailroomError(.network, "folder \"\(folder)\" UID \(uid): received \(body.count) bytes but RFC822.SIZE says \(expected.map(String.init) ?? "nothing")",
                                            location: folder)
                    }
                    let loc = try raw.append(body: body)
                    var merged = listing
                    if let fl = f.flags { merged.flags = fl }
                    if let l = f.labels { merged.labels = l }
                    let headerDate = body.withUnsafeBytes { HeaderScan.isoDate(in: $0) }
                    let c = makeCopy(folder: folder, uidValidity: uidValidity, listing: merged, locator: loc, headerDate: headerDate)
                    raw.record(c)
                    received.append(c)
                    if let g = merged.gmMsgId, gmailLocators[g] == nil { gmailLocators[g] = (loc, c.date); located.append(g) }
                    byUID[uid] = nil
                    batchBytes += body.count
                }
            } catch let e as MailroomError where isRetriable(e) && endpoint.tokenSource?.hasExpired == true {
                // The server ended the session when the OAuth2 access token expired: the bodies that arrived whole
                // are committed, and the retry (with a new token) asks only for the rest, so none is fetched twice.
                copies += received
                r.fetched += received.count
                r.bytes += batchBytes
                checkpoint.update(try raw.commit(highestUID: nil))
                try IMAPCheckpointFile.write(checkpoint, to: checkpointPath)
                if !received.isEmpty { committedBatches += 1 }
                r.copies = copies.count
                throw e
            } catch let e as MailroomError where isRetriable(e) {
                // The connection dropped during this FETCH (or a body had the wrong size): the retry asks for what
                // did not arrive one UID at a time, and a suspect that fails again on its own is left out (reported
                // missing, fetched by the next run).
                // A refusal such as `NO [THROTTLED]` is not this: it is thrown below, after the answer.
                for g in located { gmailLocators[g] = nil }  // their bytes are cut off when the retry reopens the folder
                if needBodies.count == 1, let u = byUID.keys.first, suspects[folder]?.contains(u) == true {
                    poisoned[folder, default: []].insert(u)  // failed in a batch, then again alone
                } else {
                    suspects[folder, default: []].formUnion(byUID.keys)
                }
                throw e
            }
            let refusal: String?
            do { refusal = try s.omission(in: answer, of: command) } catch {
                for g in located { gmailLocators[g] = nil }
                throw error
            }
            copies += received
            r.fetched += received.count
            if let refusal, !byUID.isEmpty {
                logger.warning("IMAP FETCH answered NO", metadata: ["mailbox": "\(mailbox)", "folder": "\(folder)",
                                                                    "text": "\(refusal)", "left out": "\(byUID.count)"])
            }
        }
        r.bytes += batchBytes
        checkpoint.update(try raw.commit(highestUID: nil))
        try IMAPCheckpointFile.write(checkpoint, to: checkpointPath)
        committedBatches += 1
        r.copies = copies.count
        try afterBatch?(r)
        try Interrupt.safePoint(.extract)  // the batch is checkpointed: a rerun resumes after it
        try pace(messages: needBodies.count, bytes: batchBytes)
        return needBodies.compactMap { byUID[$0] }
    }
}
