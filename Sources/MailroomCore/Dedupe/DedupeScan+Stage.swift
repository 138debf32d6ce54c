/// Dedupe's first pass as a stage step: each normalized copy's identity fields in, the record of each copy
/// dropped as a repeat out (`dedupe/duplicates.ndjson`). The scan keeps what the second pass
/// (`identity(atLine:_:)`) needs to write each identity once; nothing waits for the end of the input.
extension DedupeScan: StageStep {
    public mutating func feed(_ input: NormalizedDedupeFields, emit: (DroppedCopy) throws -> Void) rethrows {
        if let dropped = add(input) { try emit(dropped) }
    }

    public mutating func finish(emit: (DroppedCopy) throws -> Void) rethrows {}
}
