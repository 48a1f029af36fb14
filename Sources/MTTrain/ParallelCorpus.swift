/// Sentence pairs addressed by index, as batching needs them: lengths first (cheap),
/// token ids when a batch is built. Ids exclude `<s>` and `</s>`.
public protocol ParallelCorpus {
    var pairCount: Int { get }
    func source(_ i: Int) -> ArraySlice<Int32>
    func target(_ i: Int) -> ArraySlice<Int32>
    func sourceLength(_ i: Int) -> Int
    func targetLength(_ i: Int) -> Int
}

extension ParallelCorpus {
    public func sourceLength(_ i: Int) -> Int { source(i).count }
    public func targetLength(_ i: Int) -> Int { target(i).count }
}

/// One encoded sentence pair.
public struct SentencePair: Equatable, Sendable {
    public var source: [Int32]
    public var target: [Int32]

    public init(source: [Int32], target: [Int32]) {
        self.source = source
        self.target = target
    }
}

extension Array: ParallelCorpus where Element == SentencePair {
    public var pairCount: Int { count }
    public func source(_ i: Int) -> ArraySlice<Int32> { self[i].source[...] }
    public func target(_ i: Int) -> ArraySlice<Int32> { self[i].target[...] }
    public func sourceLength(_ i: Int) -> Int { self[i].source.count }
    public func targetLength(_ i: Int) -> Int { self[i].target.count }
}
