import MTModel

extension Batch {
    /// The pairs `indices` of a corpus, padded (see `Batch`).
    public init<C: ParallelCorpus>(corpus: C, indices: [Int]) {
        self.init(sources: indices.map(corpus.source), targets: indices.map(corpus.target), indices: indices)
    }
}
