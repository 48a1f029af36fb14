import Dispatch
import Foundation
import MTDecode
import MTModel

/// Sentences of one model searched with one set of settings: what may share a batch.
struct BatchKey: Hashable {
    let model: ServedModel
    let settings: SearchSettings

    static func == (a: BatchKey, b: BatchKey) -> Bool { a.model === b.model && a.settings == b.settings }
    func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(model))
        h.combine(settings)
    }
}

/// Dynamic batching over search threads. Every request's sentences join one `BatchQueue`;
/// each search thread takes the next due batch, searches it with its own replica of the
/// model, and hands each sentence's outputs back to its request, which resumes when it has
/// all of them, in its own order. A request that is cancelled (its client went away) or
/// runs out of time leaves the queue at once; what of it is being searched already is
/// dropped when done.
public final class TranslationService: @unchecked Sendable {
    public let threads: Int
    private let limits: ServeLimits
    private let registry: ModelRegistry
    private let metrics: ServeMetrics
    private let condition = NSCondition()
    private var queue: BatchQueue<BatchKey>
    private var requests: [Int: Pending] = [:]
    private var nextRequest = 0
    /// The sizes of the batches being searched: a free thread lets its batch fill towards
    /// the biggest of them.
    private var searching: [Int] = []
    private var stopping = false
    private let finished = DispatchGroup()

    private final class Pending {
        let model: ServedModel
        let sources: [(tokens: [String], ids: [Int32])]
        let settings: SearchSettings
        var results: [Translation?]
        var remaining: Int
        let continuation: CheckedContinuation<[Translation], Error>

        init(model: ServedModel, sources: [(tokens: [String], ids: [Int32])], settings: SearchSettings,
             continuation: CheckedContinuation<[Translation], Error>) {
            self.model = model
            self.sources = sources
            self.settings = settings
            results = Array(repeating: nil, count: sources.count)
            remaining = sources.count
            self.continuation = continuation
        }
    }

    public init(registry: ModelRegistry, policy: BatchPolicy, limits: ServeLimits, threads: Int, metrics: ServeMetrics) {
        precondition(threads >= 1)
        self.registry = registry
        self.limits = limits
        self.metrics = metrics
        self.threads = threads
        queue = BatchQueue(policy: policy)
        for w in 0..<threads {
            finished.enter()
            let thread = Thread { [self] in
                var searchThread = SearchThread(service: self)
                searchThread.run()
                finished.leave()
            }
            thread.name = "mt-serve search \(w)"
            // The search recurses little, but its buffers and ICU live on this stack.
            thread.stackSize = 1 << 23
            thread.start()
        }
    }

    /// Translations of `lines` (in order) by `model`, or a `ServeError`: 503 when the queue
    /// is full, 504 after the time limit; CancellationError when the task is cancelled.
    public func translate(_ lines: [String], model: ServedModel, settings: SearchSettings) async throws -> [Translation] {
        // Nothing to search (a text of white space alone): nothing would ever resume the request.
        if lines.isEmpty { return [] }
        let sources = model.encode(lines, maxSourceLength: settings.maxSourceLength)
        let id: Int = condition.withLock { nextRequest += 1; return nextRequest }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Translation], Error>) in
                condition.lock()
                if stopping {
                    condition.unlock()
                    continuation.resume(throwing: ServeError(503, "the server is shutting down", retryAfter: 1))
                    return
                }
                if queue.count + sources.count > limits.maxQueueSentences {
                    let depth = queue.count
                    condition.unlock()
                    continuation.resume(throwing: ServeError(
                        503, "\(depth) waiting and \(sources.count) more sentences are over the limit max_queue_sentences \(limits.maxQueueSentences): try again shortly",
                        retryAfter: 1))
                    return
                }
                requests[id] = Pending(model: model, sources: sources, settings: settings, continuation: continuation)
                let now = Self.now()
                queue.append(sources.enumerated().map {
                    QueuedSentence(request: id, index: $0.offset, length: $0.element.ids.count, arrival: now)
                }, key: BatchKey(model: model, settings: settings))
                metrics.queue(depth: queue.count)
                condition.broadcast()
                condition.unlock()
                let seconds = limits.timeoutSeconds
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in
                    self?.end(id, ServeError(504, "the translation took longer than the limit timeout_seconds \(seconds)"))
                }
            }
        } onCancel: {
            end(id, CancellationError())
        }
    }

    /// Ends a request early, if still pending: its waiting sentences leave the queue.
    private func end(_ id: Int, _ error: Error) {
        condition.lock()
        guard let pending = requests.removeValue(forKey: id) else { condition.unlock(); return }
        queue.remove(request: id)
        metrics.queue(depth: queue.count)
        condition.unlock()
        pending.continuation.resume(throwing: error)
    }

    /// Sentences waiting for a search thread.
    public var queueDepth: Int { condition.withLock { queue.count } }

    /// Lets the search threads finish what is queued, then stop; returns when they have.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The next batch, waiting as long as none is due; nil once stopping with nothing queued.
    fileprivate func nextBatch() -> (key: BatchKey, sources: [[Int32]], sentences: [QueuedSentence])? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let (key, sentences) = queue.take(now: Self.now(), fillTo: searching.max() ?? 0) {
                searching.append(sentences.count)
                metrics.queue(depth: queue.count)
                let sources = sentences.map { requests[$0.request]!.sources[$0.index].ids }
                return (key, sources, sentences)
            }
            if stopping && queue.isEmpty { return nil }
            if let due = queue.nextDue(fillTo: searching.max() ?? 0) {
                _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, due - Self.now())))
            } else {
                condition.wait()
            }
        }
    }

    /// Hands one searched sentence back to its request, which resumes if that was its last:
    /// a short sentence's client has its answer (and may send the next) while the long ones
    /// of its batch are still being searched.
    fileprivate func deliver(_ s: QueuedSentence, _ list: [Hypothesis]) {
        guard let p = condition.withLock({ requests[s.request] }) else { return }   // ended meanwhile
        // Detokenised outside the lock, which the other search threads want meanwhile: what
        // it reads of the request never changes.
        let source = p.sources[s.index].tokens
        let t = Translation(index: s.index, sourceTokens: source, outputs: list.map {
            Translator<Float>.output($0, source: source, pipeline: p.model.pipeline,
                                     replaceUnknown: p.settings.replaceUnknown, alignment: p.settings.alignment)
        })
        condition.lock()
        guard requests[s.request] === p else { condition.unlock(); return }   // ended meanwhile
        p.results[s.index] = t
        p.remaining -= 1
        let done = p.remaining == 0
        if done { requests[s.request] = nil }
        condition.unlock()
        metrics.translated(sentences: 1, sourceTokens: source.count, targetTokens: t.outputs.first?.targetTokens.count ?? 0)
        if done { p.continuation.resume(returning: p.results.map { $0! }) }
    }

    /// A batch is searched: its thread is free. A thread letting a batch fill meanwhile may
    /// now be the only one left: it looks again.
    fileprivate func finished(batch sentences: Int) {
        condition.lock()
        searching.remove(at: searching.firstIndex(of: sentences)!)
        condition.broadcast()
        condition.unlock()
        metrics.batch(sentences: sentences)
    }

    fileprivate func isServing(_ model: ServedModel) -> Bool { registry.isServing(model) }
}

/// One search thread's loop and its own decoders: a replica of each model it has searched
/// (decoding state lives in the model) and a BeamSearch per set of settings.
private struct SearchThread {
    let service: TranslationService
    var replicas: [ObjectIdentifier: (model: ServedModel, replica: Seq2Seq<Float>)] = [:]
    var searchers: [BatchKey: BeamSearch<Float>] = [:]

    init(service: TranslationService) { self.service = service }

    mutating func run() {
        while let (key, sources, sentences) = service.nextBatch() {
            _ = searcher(for: key).search(sources) { [service] i, list in service.deliver(sentences[i], list) }
            service.finished(batch: sentences.count)
        }
    }

    /// Searchers of models no longer served (reloaded) are dropped; the settings of past
    /// requests are kept up to a bound.
    private mutating func searcher(for key: BatchKey) -> BeamSearch<Float> {
        if let s = searchers[key] { return s }
        for (id, entry) in replicas where entry.model !== key.model && !service.isServing(entry.model) {
            replicas[id] = nil
            searchers = searchers.filter { $0.key.model !== entry.model }
        }
        if searchers.count >= 32 { searchers.removeAll() }
        let replica: Seq2Seq<Float>
        if let r = replicas[ObjectIdentifier(key.model)] {
            replica = r.replica
        } else {
            replica = key.model.model.replica()
            replicas[ObjectIdentifier(key.model)] = (key.model, replica)
        }
        let s = BeamSearch(model: replica, options: key.settings.searchOptions)
        searchers[key] = s
        return s
    }
}
