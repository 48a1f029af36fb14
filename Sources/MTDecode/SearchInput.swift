/// One sentence for `BeamSearch`: its source ids (without `<s>`/`</s>`) as each model of the
/// ensemble encodes them, and the target ids its output must begin with.
public struct SearchInput: Equatable, Sendable {
    /// One id sequence per model, the first model's first (models with one text pipeline
    /// read the same ids).
    public var sources: [[Int32]]
    /// The forced first tokens of the output; ending in `</s>`, the whole output (the
    /// hypothesis is then the target's forced-decoding score).
    public var prefix: [Int32]

    public init(sources: [[Int32]], prefix: [Int32] = []) {
        self.sources = sources
        self.prefix = prefix
    }
}
