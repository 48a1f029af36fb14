import MTText

/// The preprocessed corpus, batched directly (no copy into sentence pairs).
extension EncodedCorpus: ParallelCorpus {
    public var pairCount: Int { count }
}
