import Foundation
import Testing

/// The README's walk-through ("a small first window, cleanup, then a larger one"), run command by command on a copy
/// of the sample pipeline in a temporary folder, from that folder, so that the README transcript cannot drift
/// from what the commands print: the facts the transcript shows are asserted here.
@Suite struct WalkThroughTests {
    /// pipelines/sample.yml and sample-data/ side by side in `dir`, the pipeline's paths pointing beside it.
    static func sampleCopy(_ dir: URL) throws {
        let root = MailroomProcess.repoRoot
        let yml = try String(contentsOf: root.appendingPathComponent("pipelines/sample.yml"), encoding: .utf8)
        #expect(yml.contains("../sample-data/"))
        try yml.replacingOccurrences(of: "../sample-data/", with: "sample-data/")
            .write(to: dir.appendingPathComponent("sample.yml"), atomically: false, encoding: .utf8)
        try FileManager.default.copyItem(at: root.appendingPathComponent("sample-data"),
                                         to: dir.appendingPathComponent("sample-data"))
    }

    @Test func firstWindowReviewMergeAddEmailRelinkThenALargerWindow() throws {
        let dir = MailroomProcess.tempDir("walk")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.sampleCopy(dir)
        func mailroom(_ args: String...) throws -> MailroomProcess.Result {
            let r = try MailroomProcess.run(Array(args), cwd: dir)
            #expect(r.status == 0, "mailroom \(args.joined(separator: " ")): \(r.stderr)")
            return r
        }

        let first = try mailroom("run", "sample.yml", "--days", "14", "--as-of", "2026-11-20", "--quiet")
        #expect(first.stdout.contains("Run of sample: 14 days up to 2026-11-20"), "\(first.stdout)")
        #expect(first.stdout.contains("  matched to contacts              5\n"), "\(first.stdout)")
        // The suggestions name the pipeline as typed, a count of one in the singular, and no bulk sender.
        #expect(first.stdout.contains("Clean up before a larger window (then `mailroom relink sample.yml`)"))
        #expect(first.stdout.contains("  g1 (case-variant): mailroom contacts merge sample.yml --keep C001 C017\n"))
        #expect(first.stdout.contains("  samuel.okonkwo@contso.example (1 message) — likely C002 (Samuel Okonkwo) by same name:\n"
            + "    mailroom contacts add-email sample.yml C002 samuel.okonkwo@contso.example\n"), "\(first.stdout)")
        #expect(first.stdout.contains("  newsletter@dataweekly.example (bulk)"))
        #expect(!first.stdout.contains("newsletter@dataweekly.example (2 messages)"))
        #expect(!first.stdout.contains(dir.path + "/sample.yml"), "\(first.stdout)")
        #expect(first.stdout.contains("links 147, messages 44, threads 16"), "\(first.stdout)")

        let review = try mailroom("review", "sample.yml")
        #expect(review.stdout.hasSuffix("review passed (5 warnings)\n"), "\(review.stdout)")

        let dups = try mailroom("contacts", "duplicates", "sample.yml")
        #expect(dups.stdout.hasPrefix("5 likely duplicate groups among 41 contacts\n"), "\(dups.stdout)")
        #expect(dups.stdout.contains("    mailroom contacts merge sample.yml --keep C001 C017\n"), "\(dups.stdout)")

        let merge = try mailroom("contacts", "merge", "sample.yml", "--keep", "C001", "C017")
        #expect(merge.stdout.hasPrefix("merged C017 into C001 (merge 1): 1 email and 0 participant links moved, "
            + "0 links added, 0 removed; undo with `mailroom contacts unmerge sample.yml 1`\n"), "\(merge.stdout)")

        let add = try mailroom("contacts", "add-email", "sample.yml", "C002", "samuel.okonkwo@contso.example")
        #expect(add.stdout.hasPrefix("added samuel.okonkwo@contso.example to contact C002: 1 participant link added, "
            + "0 changed on 1 message; 1 thread now matched\n"), "\(add.stdout)")

        // Merge and add-email relinked what they touched: the relink finds nothing left to do.
        let dry = try mailroom("relink", "sample.yml", "--dry-run")
        #expect(dry.stdout.contains("Examined 16 threads, 44 messages, 147 participants."), "\(dry.stdout)")
        #expect(dry.stdout.contains("Links: 0 added, 0 removed (0 contacts)"), "\(dry.stdout)")
        #expect(dry.stdout.hasSuffix("Nothing to change: the store already agrees with the contacts and the pipeline file.\n"))
        let relink = try mailroom("relink", "sample.yml")
        #expect(relink.stdout.hasPrefix("Relink of sample.yml.\n"), "\(relink.stdout)")

        let after = try mailroom("review", "sample.yml")
        #expect(after.stdout.hasSuffix("review passed (4 warnings)\n"), "\(after.stdout)")
        #expect(!after.stdout.contains("--keep C001 C017"))
        #expect(!after.stdout.contains("add-email"), "\(after.stdout)")

        let plan = try mailroom("plan", "sample.yml", "--as-of", "2026-11-20", "--quiet")
        #expect(plan.stdout.contains("Suggested window: 14 days, for a handoff (7–14 days)"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("Before a larger window"), "\(plan.stdout)")
        #expect(plan.stdout.contains("Cleanup: done since the last load ("), "\(plan.stdout)")
        #expect(plan.stdout.contains("  Still in the store, if not meant: 4 duplicate contact groups, 4 unmatched addresses "
            + "with 5 or more messages (`mailroom review sample.yml` lists them).\n"), "\(plan.stdout)")

        let second = try mailroom("run", "sample.yml", "--days", "60", "--as-of", "2026-11-20", "--quiet")
        #expect(second.stdout.contains("Run of sample: 60 days up to 2026-11-20"), "\(second.stdout)")
        #expect(second.stdout.contains("  to match against                40\n"), "\(second.stdout)")
        #expect(second.stdout.contains("  matched to contacts             18\n"), "\(second.stdout)")
        #expect(second.stdout.contains("links 642, messages 198, threads 62"), "\(second.stdout)")
        let last = try mailroom("review", "sample.yml")
        #expect(last.stdout.hasSuffix("review passed (4 warnings)\n"), "\(last.stdout)")
        let settled = try mailroom("relink", "sample.yml", "--dry-run")
        #expect(settled.stdout.hasSuffix("Nothing to change: the store already agrees with the contacts and the pipeline file.\n"))
    }
}
