import MailroomCore

/// Dedupe's first pass done by normalize in the same process, as it wrote each line: the decisions and the
/// dropped copies' file (not yet in place). Dedupe takes it instead of reading normalize's file an extra time,
/// when the file the manifest names for it is `input`; otherwise (and when dedupe never runs) the file is
/// dropped with the writer.
struct DedupeHandoff {
    var scan: DedupeScan
    let dropped: NDJSONWriter
    /// The normalize file the scan was made from.
    let input: FileSummary
}
