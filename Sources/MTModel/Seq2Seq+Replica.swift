import MTTensor

extension Seq2Seq {
    /// An independent model with the same configuration and parameter values, for decoding
    /// on another thread: no workspace is shared, so replicas may run concurrently.
    public func replica() -> Seq2Seq<T> {
        let copy = Seq2Seq<T>(config, rng: SeededRandom(seed: 0), initializeParameters: false)
        precondition(copy.store.parameters.count == store.parameters.count)
        for (to, from) in zip(copy.store.parameters, store.parameters) {
            precondition(to.name == from.name && to.shape == from.shape, "replica of \(from.name)")
            T.copy(from.value.data, to.value.data, from.count)
        }
        return copy
    }
}
