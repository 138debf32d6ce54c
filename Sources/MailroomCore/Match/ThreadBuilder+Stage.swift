/// Match's first pass as a stage step: each deduplicated message's thread fields in, nothing out per message.
/// Its result is the `ThreadAssignment` that `finish(keepingKeys:participants:)` returns, which match's second
/// pass (`Matcher`) reads by line.
extension ThreadBuilder: StageStep {
    public mutating func feed(_ input: ThreadInput, emit: (Never) throws -> Void) rethrows {
        add(input)
    }

    /// Threading happens in `finish(keepingKeys:participants:)`, which returns the assignment.
    public mutating func finish(emit: (Never) throws -> Void) rethrows {}
}
