import Foundation
import MailroomCore
import MailroomIO

/// One fuzz target: a parser that reads bytes from strangers, and the checks that must hold for every input.
/// Picked by name with `MAILROOM_FUZZ_TARGET`; `scripts/fuzz.sh` runs each in turn.
enum FuzzTarget: String, CaseIterable {
    case header, mime, address, date, mbox
    case imapFramer = "imap-framer"
    case imapResponse = "imap-response"
    case json, ndjson, pipeline

    /// Runs the target on one input. Returns normally for any input; a crash or a broken invariant is a finding.
    func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .header: ParserProbe.header(data)
        case .mime: ParserProbe.mime(data)
        case .address: ParserProbe.addressList(Array(data))
        case .date: FuzzTarget.date(data)
        case .mbox: FuzzTarget.mbox(data)
        case .imapFramer: IMAPProbe.framer(Array(data))
        case .imapResponse: IMAPProbe.responses(Array(data))
        case .json: FuzzTarget.json(data)
        case .ndjson: FuzzTarget.ndjson(data)
        case .pipeline: _ = try? PipelineConfig.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml")
        }
    }

    /// Date header values and IMAP INTERNALDATE text; a date read back from its ISO form is the same instant.
    static func date(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        if let epoch = MailDate.parse(text), (-62_135_596_800...253_402_300_799).contains(epoch) {
            let iso = MailDate.iso(epoch)
            ParserProbe.check(MailDate.parseISO(iso) == epoch,
                              "date: \(epoch) is written \(iso), which reads back differently")
        }
        _ = IMAPDate.parseInternalDate(text)
    }

    /// JSON documents; whatever parses is written again and must parse to the same value.
    static func json(_ data: UnsafeRawBufferPointer) {
        guard let value = try? JSONParser.parse(data.bindMemory(to: UInt8.self)) else { return }
        var w = JSONWriter()
        w.value(value)
        do {
            let again = try JSONParser.parse(w.bytes)
            ParserProbe.check(sameJSON(again, value), "json: a parsed value reads back differently after writing")
        } catch {
            ParserProbe.check(false, "json: a parsed value does not parse after writing: \(error)")
        }
        _ = try? JSONParser.parse(buffer: data.bindMemory(to: UInt8.self), keeping: ["copyId", "locator", "date"])
        let line = data.bindMemory(to: UInt8.self)
        sameThroughCursor(DedupedMatchFields.self, line)
        sameThroughCursor(DedupedReportFields.self, line)
        sameThroughCursor(NormalizedIdentityFields.self, line)
    }

    /// A line both readers of a record accept reads the same through `JSONCursor` as through `JSONParser`.
    static func sameThroughCursor<R: JSONCursorRecord & Equatable>(_: R.Type, _ line: UnsafeBufferPointer<UInt8>) {
        let keys = R.decodedKeys.map(JSONKeys.init)
        guard let viaCursor = try? R.decodeLine(line, keys: keys),
              let viaTree = try? R(json: keys.map { try JSONParser.parse(buffer: line, keeping: $0) } ?? JSONParser.parse(buffer: line))
        else { return }
        ParserProbe.check(viaCursor == viaTree, "json: \(R.self) reads differently through the cursor")
    }

    /// Equal as the writer means it: a double that is a whole number is written as an integer, and one out of
    /// range (`1e400` reads as infinity) is written as null.
    static func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.double(let x), .null), (.null, .double(let x)): return !x.isFinite
        case (.double(let x), .double(let y)): return x == y || "\(x)" == "\(y)"
        case (.double(let x), .int(let y)), (.int(let y), .double(let x)): return x == Double(y)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameJSON)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { sameJSON(v, $0) } ?? false }
        default: return a == b
        }
    }

    /// The mbox splitter over the input written to a file.
    static func mbox(_ data: UnsafeRawBufferPointer) {
        let path = InputFile.write(data)
        do { try MboxProbe.split(path: path, size: data.count) } catch { ParserProbe.check(false, "mbox: \(error)") }
    }

    /// NDJSON files read with a tiny and a usual buffer: the same lines and hash, each line parsed as JSON.
    static func ndjson(_ data: UnsafeRawBufferPointer) {
        let url = URL(fileURLWithPath: InputFile.write(data))
        func read(_ chunk: Int) -> (lines: [[UInt8]], sha: String)? {
            var lines: [[UInt8]] = []
            guard let r = try? NDJSONReader.forEachLine(url: url, chunkSize: chunk, { line, _ in
                lines.append(Array(line))
                _ = try? JSONParser.parse(line.bindMemory(to: UInt8.self))
            }) else { return nil }
            return (lines, r.sha256)
        }
        let small = read(3), usual = read(1 << 16)
        ParserProbe.check((small == nil) == (usual == nil),
                          "ndjson: buffer sizes 3 and 65536 disagree on whether the file reads")
        if let small, let usual {
            ParserProbe.check(small.lines == usual.lines && small.sha == usual.sha,
                              "ndjson: buffer sizes 3 and 65536 read differently")
        }
    }
}
