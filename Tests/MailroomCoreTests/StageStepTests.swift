import Testing
@testable import MailroomCore

/// Each stage's Core step, driven only through `StageStep` (as `StageDriver` drives it), decides what its own
/// API decides.
@Suite struct StageStepTests {
    /// Feeds every input in order, then finishes; returns everything emitted, in order.
    static func drive<S: StageStep>(_ step: inout S, _ inputs: [S.Input]) -> [S.Output] {
        var out: [S.Output] = []
        for i in inputs { step.feed(i) { out.append($0) } }
        step.finish { out.append($0) }
        return out
    }

    @Test func dedupeScanFedAsAStepDropsTheCopiesAddDropsAndKeepsThemForTheSecondPass() {
        let lines = [DedupeScanTests.fields(0, id: "a@x", hash: "h1"), DedupeScanTests.fields(1, id: nil, hash: "h2"),
                     DedupeScanTests.fields(2, id: "a@x", hash: "h1"), DedupeScanTests.fields(3, id: nil, hash: "h2")]
        var step = DedupeScan()
        let dropped = Self.drive(&step, lines)
        let (byAdd, _, written) = DedupeScanTests.passes(lines)
        #expect(dropped == DedupeScanTests.passes(lines).dropped)
        #expect(dropped.map(\.copyId) == ["m/INBOX/2", "m/INBOX/3"])
        #expect(step.duplicates == byAdd.duplicates && step.unique == 2 && step.lines == 4)
        // The second pass reads what the step kept.
        var second: [[String]] = []
        for (line, f) in lines.enumerated() {
            if let (_, copies) = step.identity(atLine: line, f.identity) { second.append(copies.map(\.copyId)) }
        }
        #expect(second == written.map(\.copies))
        #expect(second == [["m/INBOX/0", "m/INBOX/2"], ["m/INBOX/1", "m/INBOX/3"]])
    }

    @Test func normalizeStepDecidesEachKindOfContent() throws {
        let step = NormalizeStep(settings: ["box": NormalizeFixture.settings])
        let text = "Message-ID: <a@example.com>\r\nFrom: Ann <ann@client.example>\r\nSubject: Order 7\r\n\r\nHello\r\n"
        let copy = NormalizeFixture.copy(size: text.utf8.count)
        func outcome(_ content: NormalizeStep.Content, _ c: MessageCopy = copy) -> NormalizeOutcome {
            var s = step
            let out = Self.drive(&s, [NormalizeStep.Input(copy: c, content: content, settings: NormalizeFixture.settings)])
            #expect(out.count == 1)
            return out[0]
        }
        guard case .message(let m) = NormalizeFixture.withBytes(text, { outcome(.bytes($0)) }) else {
            Issue.record("a message's bytes normalize to a message")
            return
        }
        #expect(m.subject == "Order 7" && m.messageId == "a@example.com" && m.copyId == copy.copyId)

        guard case .quarantined(let gone) = outcome(.unreadable(detail: "box/1.eml: missing")) else {
            Issue.record("unreadable bytes are quarantined")
            return
        }
        #expect(gone.reason == .unreadable && gone.detail == "box/1.eml: missing" && gone.locator == copy.locator)

        guard case .quarantined(let unfetched) = outcome(.unfetched(size: 900_000_000)) else {
            Issue.record("an unfetched copy is quarantined")
            return
        }
        #expect(unfetched.reason == .tooLarge && unfetched.detail.contains("900000000 bytes"))

        let big = NormalizeFixture.copy(size: NormalizeFixture.settings.limits.maxMessageBytes + 1)
        guard case .quarantined(let header) = NormalizeFixture.withBytes(text, { outcome(.headerOnly($0), big) }) else {
            Issue.record("a copy over the limit is quarantined from its header section")
            return
        }
        #expect(header.reason == .tooLarge && header.messageId == "a@example.com")
    }

    @Test func matcherFedAsAStepEmitsLinksThenThreadsThenUnmatchedAsAddAndFinishDo() {
        let messages = [
            ("mid:1", Fixture.message(copyId: "c1", from: [MatcherBehaviour.ann], to: [MatcherBehaviour.alice]), "t1"),
            ("mid:2", Fixture.message(copyId: "c2", from: [MatcherBehaviour.stranger], to: [MatcherBehaviour.bob]), "t2"),
            ("mid:3", Fixture.message(copyId: "c3", from: [MatcherBehaviour.alice], to: [MatcherBehaviour.ann]), "t1"),
        ]
        let expected = MatcherBehaviour.run(messages)
        var step = Matcher(ownDomains: MatcherBehaviour.own, owner: MatcherBehaviour.owner, contacts: MatcherBehaviour.index)
        let inputs = messages.map { key, m, thread in
            Matcher.Input(DedupedMatchFields(Fixture.deduped(key, m)), threadId: thread, joinedBySubject: false)
        }
        var links: [ParticipantLink] = [], threads: [ThreadRecord] = [], unmatched: [UnmatchedAddress] = []
        var order: [String] = []
        for output in Self.drive(&step, inputs) {
            switch output {
            case .link(let l): links.append(l); order.append("link")
            case .thread(let t): threads.append(t); order.append("thread")
            case .unmatched(let u): unmatched.append(u); order.append("unmatched")
            }
        }
        #expect(links == expected.links && threads == expected.threads && unmatched == expected.unmatched)
        #expect(threads.map(\.threadId) == ["t1", "t2"] && unmatched.map(\.address) == ["stranger@else.example"])
        #expect(order == Array(repeating: "link", count: links.count) + ["thread", "thread", "unmatched"])
    }
}
