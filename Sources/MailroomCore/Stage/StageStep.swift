/// The decision part of a pipeline stage: it is fed its input records in order, emits output records (record
/// issues among them: an output case, such as normalize's quarantine records), and finishes once the input ends.
/// It reads and writes nothing: `StageDriver` (in MailroomIO) checks the stage's inputs against the manifest,
/// reads the records, feeds the step, writes what it emits and records the stage.
///
/// Conforming types: `DedupeScan` (dedupe's first pass), `ThreadBuilder` (match's first pass), `Matcher` (match's
/// second pass) and `NormalizeStep` (normalize, an `IndependentStageStep`). Each conformance is an extension in
/// `Type+Stage.swift` next to the type.
public protocol StageStep {
    associatedtype Input
    associatedtype Output

    /// Takes the next input record, in input order, and emits the outputs it decides now.
    mutating func feed(_ input: Input, emit: (Output) throws -> Void) rethrows

    /// Called after the last input: emits the outputs that need the whole input.
    mutating func finish(emit: (Output) throws -> Void) rethrows
}

/// A step whose records are independent: each output depends on its own input alone, so a driver may decide a
/// batch on all cores at once and write the outputs in input order (see `StageDriver.mapInParallel`).
public protocol IndependentStageStep: StageStep, Sendable {
    /// The output of one input.
    func output(for input: Input) -> Output
}

extension IndependentStageStep {
    @inlinable
    public mutating func feed(_ input: Input, emit: (Output) throws -> Void) rethrows {
        try emit(output(for: input))
    }

    /// Nothing waits for the whole input.
    @inlinable
    public mutating func finish(emit: (Output) throws -> Void) rethrows {}
}
