/// The pipeline's stages, in order.
public enum Stage: String, Sendable, CaseIterable, Comparable {
    case extract, normalize, dedupe, match, load

    public static func < (a: Stage, b: Stage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public var predecessor: Stage? {
        let i = Stage.allCases.firstIndex(of: self)!
        return i == 0 ? nil : Stage.allCases[i - 1]
    }

    public var downstream: [Stage] { Stage.allCases.filter { $0 > self } }
}

/// What a finished NDJSON (or JSON) file holds: the manifest records it so the next stage can check that the
/// file it reads is complete and unchanged.
public struct FileSummary: JSONRecord, Equatable {
    /// Path relative to the run directory.
    public var file: String
    public var schema: String
    public var lines: Int
    public var bytes: Int
    public var sha256: String

    public init(file: String, schema: String, lines: Int, bytes: Int, sha256: String) {
        self.file = file
        self.schema = schema
        self.lines = lines
        self.bytes = bytes
        self.sha256 = sha256
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "output")
        file = try o.string("file")
        schema = try o.string("schema")
        lines = try o.int("lines")
        bytes = try o.int("bytes")
        sha256 = try o.string("sha256")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("file", file)
        w.field("schema", schema)
        w.field("lines", lines)
        w.field("bytes", bytes)
        w.field("sha256", sha256)
        w.endObject()
    }
}

/// An input a stage read: a file of the run directory or of the pipeline (contacts), with its fingerprint.
public struct StageInput: JSONRecord, Equatable {
    public var name: String
    /// SHA-256 of the content, or a cheap fingerprint (`size:mtime`) for mailbox sources.
    public var fingerprint: String

    public init(name: String, fingerprint: String) {
        self.name = name
        self.fingerprint = fingerprint
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "input")
        name = try o.string("name")
        fingerprint = try o.string("fingerprint")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("fingerprint", fingerprint)
        w.endObject()
    }
}

public enum StageStatus: String, Sendable {
    case complete, stale, failed
}

/// One stage's entry in the manifest.
public struct StageRecord: JSONRecord, Equatable {
    public var status: StageStatus
    public var startedAt: String
    public var finishedAt: String
    public var durationMs: Int
    /// CPU time (user + system) the stage used, all threads.
    public var cpuMs: Int
    /// The process's peak resident memory when the stage ended (a high-water mark since the process started).
    public var maxRSSKB: Int
    public var inputs: [StageInput]
    /// Settings that change the stage's output (sorted keys).
    public var settings: [String: JSONValue]
    public var counts: [String: Int]
    /// The stage's record issues by code (normalize: quarantine reasons), the lines of its issues file. Written
    /// only when there are any.
    public var issues: [String: Int]
    public var outputs: [FileSummary]
    /// Why the stage is stale or failed: a line for a person.
    public var note: String?

    public init(status: StageStatus, startedAt: String, finishedAt: String, durationMs: Int, cpuMs: Int = 0,
                maxRSSKB: Int = 0, inputs: [StageInput], settings: [String: JSONValue], counts: [String: Int],
                issues: [String: Int] = [:], outputs: [FileSummary], note: String? = nil) {
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.cpuMs = cpuMs
        self.maxRSSKB = maxRSSKB
        self.inputs = inputs
        self.settings = settings
        self.counts = counts
        self.issues = issues
        self.outputs = outputs
        self.note = note
    }

    public func output(_ file: String) -> FileSummary? { outputs.first { $0.file == file } }

    /// An object of integers, empty when absent.
    private static func counts(_ o: JSONObject, _ key: String) throws -> [String: Int] {
        var c: [String: Int] = [:]
        for (k, v) in try o.optionalObject(key)?.fields ?? [:] {
            guard let i = v.intValue else { throw JSONError("count \"\(k)\" is not an integer") }
            c[k] = i
        }
        return c
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "stage")
        let s = try o.string("status")
        guard let st = StageStatus(rawValue: s) else { throw JSONError("field \"status\" has unknown value \(s)") }
        status = st
        startedAt = try o.string("startedAt")
        finishedAt = try o.string("finishedAt")
        durationMs = try o.int("durationMs")
        cpuMs = try o.optionalInt("cpuMs") ?? 0
        maxRSSKB = try o.optionalInt("maxRSSKB") ?? 0
        inputs = try o.array("inputs", StageInput.init(json:))
        settings = try o.optionalObject("settings")?.fields ?? [:]
        counts = try Self.counts(o, "counts")
        issues = try Self.counts(o, "issues")
        outputs = try o.array("outputs", FileSummary.init(json:))
        note = try o.optionalString("note")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("status", status.rawValue)
        w.field("startedAt", startedAt)
        w.field("finishedAt", finishedAt)
        w.field("durationMs", durationMs)
        w.field("cpuMs", cpuMs)
        w.field("maxRSSKB", maxRSSKB)
        w.field("inputs", inputs)
        w.key("settings"); w.value(.object(settings))
        w.key("counts")
        w.objectValue { w in for k in counts.keys.sorted() { w.field(k, counts[k]!) } }
        if !issues.isEmpty {
            w.key("issues")
            w.objectValue { w in for k in issues.keys.sorted() { w.field(k, issues[k]!) } }
        }
        w.field("outputs", outputs)
        w.field("note", note)
        w.endObject()
    }
}

/// A mailbox as the run saw it.
public struct RunMailbox: JSONRecord, Equatable {
    public var name: String
    public var source: SourceKind
    /// Absolute path of the mailbox (file sources) or of its raw folder in the run directory (imap).
    public var root: String
    /// `--shard I/N`: the run takes only this shard of the mailbox's copies (`"shard": "I/N"`, absent otherwise).
    public var shard: MailboxShard?

    public init(name: String, source: SourceKind, root: String, shard: MailboxShard? = nil) {
        self.name = name
        self.source = source
        self.root = root
        self.shard = shard
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "mailbox")
        name = try o.string("name")
        let s = try o.string("source")
        guard let k = SourceKind(rawValue: s) else { throw JSONError("field \"source\" has unknown value \(s)") }
        source = k
        root = try o.string("root")
        if let text = try o.optionalString("shard") {
            switch MailboxShard.parse(text) {
            case .success(let v): shard = v
            case .failure(let e): throw JSONError("field \"shard\": \(e.message)")
            }
        }
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("source", source.rawValue)
        w.field("root", root)
        if let shard { w.field("shard", shard.description) }
        w.endObject()
    }
}

/// `manifest.json` — one per run directory. Schema `mailroom.manifest/1`. Records the run's settings and, per
/// stage, its inputs (fingerprints), settings, counts, timings and outputs (lines, bytes, SHA-256).
public struct Manifest: JSONRecord, Equatable {
    public static let schema = "mailroom.manifest/1"

    public var runId: String
    /// Absolute path of the pipeline file.
    public var pipelinePath: String
    public var pipelineName: String
    public var pipelineSHA256: String
    public var createdAt: String
    /// The day the backfill window ends with (YYYY-MM-DD, UTC).
    public var asOf: String
    public var days: Int
    /// ISO 8601 UTC, [start, end).
    public var windowStart: String
    public var windowEnd: String
    public var mailboxes: [RunMailbox]
    public var stages: [Stage: StageRecord]

    public init(runId: String, pipelinePath: String, pipelineName: String, pipelineSHA256: String,
                createdAt: String, asOf: String, days: Int, windowStart: String, windowEnd: String,
                mailboxes: [RunMailbox], stages: [Stage: StageRecord] = [:]) {
        self.runId = runId
        self.pipelinePath = pipelinePath
        self.pipelineName = pipelineName
        self.pipelineSHA256 = pipelineSHA256
        self.createdAt = createdAt
        self.asOf = asOf
        self.days = days
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.mailboxes = mailboxes
        self.stages = stages
    }

    /// Marks every stage after `stage` that has run as stale.
    public mutating func markDownstreamStale(of stage: Stage, because note: String) {
        for s in stage.downstream {
            if var r = stages[s], r.status != .stale {
                r.status = .stale
                r.note = note
                stages[s] = r
            }
        }
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "manifest")
        let v = try o.string("schemaVersion")
        guard v == Manifest.schema else {
            throw JSONError("manifest schema \(v) is not \(Manifest.schema): made by another Mailroom version")
        }
        runId = try o.string("runId")
        let p = try o.object("pipeline")
        pipelinePath = try p.string("path")
        pipelineName = try p.string("name")
        pipelineSHA256 = try p.string("sha256")
        createdAt = try o.string("createdAt")
        let w = try o.object("window")
        asOf = try w.string("asOf")
        days = try w.int("days")
        windowStart = try w.string("start")
        windowEnd = try w.string("end")
        mailboxes = try o.array("mailboxes", RunMailbox.init(json:))
        var st: [Stage: StageRecord] = [:]
        for (k, v) in try o.object("stages").fields {
            guard let s = Stage(rawValue: k) else { throw JSONError("unknown stage \"\(k)\" in manifest") }
            st[s] = try StageRecord(json: v)
        }
        stages = st
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schemaVersion", Manifest.schema)
        w.field("runId", runId)
        w.key("pipeline")
        w.objectValue { w in
            w.field("path", pipelinePath)
            w.field("name", pipelineName)
            w.field("sha256", pipelineSHA256)
        }
        w.field("createdAt", createdAt)
        w.key("window")
        w.objectValue { w in
            w.field("asOf", asOf)
            w.field("days", days)
            w.field("start", windowStart)
            w.field("end", windowEnd)
        }
        w.field("mailboxes", mailboxes)
        w.key("stages")
        w.objectValue { w in
            for s in Stage.allCases {
                if let r = stages[s] { w.key(s.rawValue); r.writeJSON(&w) }
            }
        }
        w.endObject()
    }
}
