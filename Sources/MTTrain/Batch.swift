/// A padded, time-major batch of sentence pairs, ready for the encoder and decoder.
///
/// Column `b` of every array is the pair `indices[b]`. With S source steps, T target
/// steps and B sentences:
/// - `source` [S, B]: the source ids, `<pad>` after each sentence's end;
/// - `targetInput` [T, B]: `<s>` y₁ … yₙ then padding (what the decoder reads);
/// - `targetOutput` [T, B]: y₁ … yₙ `</s>` then padding (what it must predict);
/// - `sourceLengths[b]` = |x|, `targetLengths[b]` = |y| + 1 (the real decoder steps).
public struct Batch: Equatable, Sendable {
    public let indices: [Int]
    public let sourceSteps: Int
    public let targetSteps: Int
    public let source: [Int32]
    public let targetInput: [Int32]
    public let targetOutput: [Int32]
    public let sourceLengths: [Int32]
    public let targetLengths: [Int32]

    public var batchSize: Int { indices.count }
    /// Real (unpadded) target tokens, `</s>` included: the tokens the loss is over.
    public var targetTokenCount: Int { targetLengths.reduce(0) { $0 + Int($1) } }
    public var sourceTokenCount: Int { sourceLengths.reduce(0) { $0 + Int($1) } }
    /// Target positions including padding, T·B.
    public var paddedTargetTokenCount: Int { targetSteps * batchSize }

    public init<C: ParallelCorpus>(corpus: C, indices: [Int]) {
        let b = indices.count
        var s = 0
        var t = 0
        for i in indices {
            s = max(s, corpus.sourceLength(i))
            t = max(t, corpus.targetLength(i) + 1)
        }
        var source = [Int32](repeating: SpecialToken.pad, count: s * b)
        var input = [Int32](repeating: SpecialToken.pad, count: t * b)
        var output = [Int32](repeating: SpecialToken.pad, count: t * b)
        var sourceLengths = [Int32](repeating: 0, count: b)
        var targetLengths = [Int32](repeating: 0, count: b)
        for (col, i) in indices.enumerated() {
            let x = corpus.source(i)
            for (step, id) in x.enumerated() { source[step * b + col] = id }
            let y = corpus.target(i)
            input[col] = SpecialToken.bos
            for (step, id) in y.enumerated() {
                input[(step + 1) * b + col] = id
                output[step * b + col] = id
            }
            output[y.count * b + col] = SpecialToken.eos
            sourceLengths[col] = Int32(x.count)
            targetLengths[col] = Int32(y.count + 1)
        }
        self.indices = indices
        self.sourceSteps = s
        self.targetSteps = t
        self.source = source
        self.targetInput = input
        self.targetOutput = output
        self.sourceLengths = sourceLengths
        self.targetLengths = targetLengths
    }
}
