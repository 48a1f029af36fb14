/// One sentence waiting to be searched: which request it belongs to, its place in that
/// request, its length in source subwords, and when it arrived (seconds, any fixed origin).
public struct QueuedSentence: Equatable, Sendable {
    public var request: Int
    public var index: Int
    public var length: Int
    public var arrival: Double

    public init(request: Int, index: Int, length: Int, arrival: Double) {
        self.request = request
        self.index = index
        self.length = length
        self.arrival = arrival
    }

    /// What the sentence costs a batch: its subwords and `</s>`.
    var tokens: Int { length + 1 }
}

/// The dynamic-batching queue: sentences of every request wait here, grouped by what they
/// may be searched with (`Key`: the model and the search settings), until a search thread
/// takes a batch. Pure bookkeeping without clocks or threads, so that the order and the
/// limits are tested directly.
///
/// A group is due when it holds a full batch (`maxSentences` sentences or `maxTokens`
/// tokens) or when its oldest sentence has waited `maxWaitMilliseconds`. While another
/// thread is searching a batch of n sentences (`fillTo` n), a group of fewer than n waits
/// longer, until its oldest has waited `maxFillMilliseconds`: the clients just answered
/// join before a thread sets off with a few, and the threads' batches tend to the same
/// size instead of one thread searching most sentences and the other a few at a time.
/// The due group with the oldest sentence goes first, so no group starves. Its oldest `window × maxSentences`
/// sentences are sorted by length and cut into batches within the limits, and the batch
/// holding the oldest sentence is taken: like lengths batch together, and the oldest
/// sentence always leaves.
public struct BatchQueue<Key: Hashable> {
    public let policy: BatchPolicy
    private var groups: [Key: [QueuedSentence]] = [:]
    /// Keys in the order their groups were opened (a group closes when emptied).
    private var keys: [Key] = []
    public private(set) var count = 0

    public init(policy: BatchPolicy) { self.policy = policy }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ sentences: [QueuedSentence], key: Key) {
        guard !sentences.isEmpty else { return }
        if groups[key] == nil { keys.append(key) }
        groups[key, default: []].append(contentsOf: sentences)
        count += sentences.count
    }

    /// Drops every waiting sentence of `request` (cancelled or timed out); returns how many.
    @discardableResult
    public mutating func remove(request: Int) -> Int {
        var removed = 0
        for key in keys {
            let before = groups[key]!.count
            groups[key]!.removeAll { $0.request == request }
            removed += before - groups[key]!.count
        }
        count -= removed
        dropEmptyGroups()
        return removed
    }

    /// When the next group falls due by waiting (nil: nothing waits).
    public func nextDue(fillTo target: Int = 0) -> Double? {
        keys.compactMap { groups[$0].map { due($0, fillTo: target) } }.min()
    }

    /// When a non-empty group falls due by waiting; filling never ends before the plain
    /// wait would.
    private func due(_ group: [QueuedSentence], fillTo target: Int) -> Double {
        let filling = group.count < Swift.min(target, policy.maxSentences)
        let wait = filling ? Swift.max(policy.maxFillMilliseconds, policy.maxWaitMilliseconds) : policy.maxWaitMilliseconds
        return group[0].arrival + wait / 1000
    }

    /// The batch to search now, sorted by length, or nil when no group is due at `now`.
    /// `fillTo`: the sentences of the biggest batch another thread is searching (0: none).
    public mutating func take(now: Double, fillTo target: Int = 0) -> (key: Key, sentences: [QueuedSentence])? {
        var chosen: Key?
        var oldest = Double.infinity
        for key in keys {
            let group = groups[key]!
            guard let first = group.first, first.arrival < oldest else { continue }
            if isFull(group) || now >= due(group, fillTo: target) {
                chosen = key
                oldest = first.arrival
            }
        }
        guard let key = chosen else { return nil }
        let group = groups[key]!
        let windowSize = Swift.min(group.count, policy.window * policy.maxSentences)
        // Positions in the group, sorted by length (arrival order among equal lengths).
        let sorted = (0..<windowSize).sorted { (group[$0].length, $0) < (group[$1].length, $1) }
        var start = 0
        while true {
            var end = start, tokens = 0
            while end < sorted.count, end - start < policy.maxSentences {
                let t = group[sorted[end]].tokens
                if end > start && tokens + t > policy.maxTokens { break }
                tokens += t
                end += 1
            }
            let batch = sorted[start..<end]
            if batch.contains(0) {
                let taken = Set(batch)
                groups[key] = group.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
                count -= batch.count
                dropEmptyGroups()
                return (key, batch.map { group[$0] })
            }
            start = end
        }
    }

    private func isFull(_ group: [QueuedSentence]) -> Bool {
        if group.count >= policy.maxSentences { return true }
        var tokens = 0
        for s in group {
            tokens += s.tokens
            if tokens >= policy.maxTokens { return true }
        }
        return false
    }

    private mutating func dropEmptyGroups() {
        keys.removeAll { key in
            if groups[key]!.isEmpty { groups[key] = nil; return true }
            return false
        }
    }
}
