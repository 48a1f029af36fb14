import MTCore

/// A padded, time-major batch of sentence pairs, as the encoder and decoder read it.
///
/// Column `b` holds the pair `indices[b]` (its number in the corpus it came from). With
/// S source steps, T target steps and B sentences:
/// - `source` [S, B]: the source ids, `<pad>` after each sentence's end;
/// - `targetInput` [T, B]: `<s>` y₁ … yₙ then padding (what the decoder reads);
/// - `targetOutput` [T, B]: y₁ … yₙ `</s>` then padding (what it must predict);
/// - `sourceLengths[b]` = |x|, `targetLengths[b]` = |y| + 1 (the real decoder steps).
public struct Batch: Equatable, Sendable {
    public var indices: [Int]
    public var sourceSteps: Int
    public var targetSteps: Int
    public var source: [Int32]
    public var sourceLengths: [Int32]
    public var targetInput: [Int32]
    public var targetOutput: [Int32]
    public var targetLengths: [Int32]

    public init(
        indices: [Int], sourceSteps: Int, targetSteps: Int, source: [Int32], sourceLengths: [Int32],
        targetInput: [Int32], targetOutput: [Int32], targetLengths: [Int32]
    ) {
        let b = indices.count
        precondition(source.count == sourceSteps * b && sourceLengths.count == b)
        precondition(targetInput.count == targetSteps * b && targetOutput.count == targetInput.count)
        precondition(targetLengths.count == b)
        self.indices = indices
        self.sourceSteps = sourceSteps
        self.targetSteps = targetSteps
        self.source = source
        self.sourceLengths = sourceLengths
        self.targetInput = targetInput
        self.targetOutput = targetOutput
        self.targetLengths = targetLengths
    }

    /// Pads pairs of id sequences (without `<s>`/`</s>`); `indices` default to 0..<B.
    public init<S: Collection<Int32>>(sources: [S], targets: [S], indices: [Int]? = nil) {
        precondition(sources.count == targets.count)
        let s = sources.map(\.count).max() ?? 0
        let t = (targets.map(\.count).max() ?? 0) + 1
        self.init(
            indices: indices ?? Array(sources.indices), sourceSteps: s, targetSteps: t,
            source: Padding.timeMajor(sources, steps: s),
            sourceLengths: sources.map { Int32($0.count) },
            targetInput: Padding.timeMajor(targets, steps: t, first: SpecialToken.bos),
            targetOutput: Padding.timeMajor(targets, steps: t, last: SpecialToken.eos),
            targetLengths: targets.map { Int32($0.count + 1) })
    }

    public var batchSize: Int { indices.count }
    /// Real (unpadded) target tokens, `</s>` included: the tokens the loss is over.
    public var targetTokenCount: Int { targetLengths.reduce(0) { $0 + Int($1) } }
    public var sourceTokenCount: Int { sourceLengths.reduce(0) { $0 + Int($1) } }
    /// Target positions including padding, T·B.
    public var paddedTargetTokenCount: Int { targetSteps * batchSize }
}

/// The one padder: id sequences laid out time-major, `<pad>` after each one's end.
public enum Padding {
    /// [steps, B]: column b is `first` (when given), sequence b, then `last` (when given),
    /// then padding; `steps` must hold the longest.
    public static func timeMajor<S: Collection<Int32>>(
        _ sequences: [S], steps: Int, first: Int32? = nil, last: Int32? = nil
    ) -> [Int32] {
        let b = sequences.count
        var out = [Int32](repeating: SpecialToken.pad, count: steps * b)
        for (col, x) in sequences.enumerated() {
            var step = 0
            if let first { out[col] = first; step = 1 }
            for id in x { out[step * b + col] = id; step += 1 }
            if let last { out[step * b + col] = last }
        }
        return out
    }
}
