import MTTensor

extension Seq2Seq {
    /// A model for decoding on another thread: the same parameter values (shared, read-only
    /// at inference) and its own workspaces, so replicas may run concurrently.
    public func replica() -> Seq2Seq<T> {
        Seq2Seq<T>(sharingParametersWith: self)
    }
}
