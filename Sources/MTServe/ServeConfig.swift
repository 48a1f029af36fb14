import Foundation

/// Everything `mt-serve` can be told: where to listen, which models to serve, how to batch,
/// the limits a request must keep, and the translation settings a request does not give.
/// Read from a YAML file (`ServeConfig+YAML`), then overridden by the command line.
public struct ServeConfig: Equatable, Sendable {
    public var host = "127.0.0.1"
    /// 0: any free port (the one bound is printed).
    public var port = 8080
    /// Models by id, in the order given (the first is the default).
    public var models: [ModelSpec] = []
    /// Search threads, each with its own copy of every model; 0: one per core.
    public var threads = 0

    public var batch = BatchPolicy()
    public var limits = ServeLimits()
    public var defaults = SearchSettings()

    public init() {}

    public struct ModelSpec: Equatable, Sendable {
        public var id: String
        public var path: String
        public init(id: String, path: String) {
            self.id = id
            self.path = path
        }
    }

    /// What is wrong with these settings, or nil.
    public var problem: String? {
        if !(0...65535).contains(port) { return "port must be between 0 and 65535" }
        if models.isEmpty { return "no model to serve: give --model FILE (or models: in the config)" }
        var seen = Set<String>()
        for m in models {
            if m.id.isEmpty || m.id.contains("/") { return "model id '\(m.id)' must be non-empty and without '/'" }
            if !seen.insert(m.id).inserted { return "model id '\(m.id)' is given twice" }
        }
        if threads < 0 { return "threads must be 0 (one per core) or more" }
        if let p = batch.problem { return p }
        if let p = limits.problem { return p }
        if let p = defaults.problem(maxBeamSize: limits.maxBeamSize) { return "defaults: \(p)" }
        return nil
    }
}

/// The limits that keep one request from taking the server: each breach is answered with
/// its own status (413 body, 400 sentences/characters/beam, 503 queue, 504 time).
public struct ServeLimits: Equatable, Sendable {
    public var maxBodyBytes = 1 << 20
    public var maxSentences = 128
    /// Characters (Unicode scalars) over all sentences of a request.
    public var maxCharacters = 20_000
    /// Sentences waiting for a search thread, over all requests.
    public var maxQueueSentences = 4096
    public var timeoutSeconds = 30.0
    public var maxBeamSize = 16

    public init() {}

    public var problem: String? {
        if maxBodyBytes < 1 { return "limits.max_body_bytes must be at least 1" }
        if maxSentences < 1 { return "limits.max_sentences must be at least 1" }
        if maxCharacters < 1 { return "limits.max_characters must be at least 1" }
        if maxQueueSentences < 1 { return "limits.max_queue_sentences must be at least 1" }
        if !(timeoutSeconds > 0) || !timeoutSeconds.isFinite { return "limits.timeout_seconds must be more than 0" }
        if maxBeamSize < 1 { return "limits.max_beam_size must be at least 1" }
        return nil
    }
}
