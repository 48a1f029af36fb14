import MTModel
import MTTensor

/// Output of greedy decoding for a batch of sources, in the order given.
public struct GreedyOutput<T: Real> {
    /// Target ids per sentence, without `</s>`.
    public var tokens: [[Int32]]
    /// When requested: per sentence, per output step (the `</s>` step included when it was
    /// produced), the attention weights over that sentence's source positions.
    public var attention: [[[T]]]?
}

/// Greedy decoding of a batch: encode once, then step the decoder on its own argmax until
/// every sentence has produced `</s>` or reached its length limit
/// ⌊maxLengthRatio · source length⌋ + maxLengthConstant.
///
/// Runs the model's own step code (`embedTargetStep`, `decodeStep`), so decoding and
/// training cannot disagree. Finished sentences keep being stepped (on `<pad>` input)
/// until the whole batch is done; their extra outputs are ignored.
public final class GreedyDecoder<T: Real> {
    public let model: Seq2Seq<T>
    public var maxLengthRatio: Double
    public var maxLengthConstant: Int

    public init(model: Seq2Seq<T>, maxLengthRatio: Double = 2, maxLengthConstant: Int = 10) {
        self.model = model
        self.maxLengthRatio = maxLengthRatio
        self.maxLengthConstant = maxLengthConstant
    }

    /// The length limit for a source of n tokens.
    public func maxLength(sourceLength n: Int) -> Int {
        Swift.max(1, Int(maxLengthRatio * Double(n)) + maxLengthConstant)
    }

    /// Decodes source id sequences (without `<s>`/`</s>`). Empty sources give empty outputs.
    public func decode(_ sources: [[Int32]], keepAttention: Bool = false) -> GreedyOutput<T> {
        var output = GreedyOutput<T>(
            tokens: Array(repeating: [], count: sources.count),
            attention: keepAttention ? Array(repeating: [], count: sources.count) : nil)
        let rows = sources.indices.filter { !sources[$0].isEmpty }
        guard !rows.isEmpty else { return output }
        let b = rows.count
        let s = rows.map { sources[$0].count }.max()!
        var source = [Int32](repeating: SpecialIds.pad, count: s * b)
        for (col, i) in rows.enumerated() {
            for (step, id) in sources[i].enumerated() { source[step * b + col] = id }
        }
        let lengths = rows.map { Int32(sources[$0].count) }
        let limits = lengths.map { maxLength(sourceLength: Int($0)) }
        let steps = limits.max()!

        model.encode(source: source, sourceLengths: lengths, training: false)
        model.beginDecoding(steps: steps, targetLengths: nil, training: false)
        let v = model.config.targetVocabularySize
        var input = [Int32](repeating: SpecialIds.bos, count: b)
        var done = [Bool](repeating: false, count: b)
        var tokens = [[Int32]](repeating: [], count: b)
        var weights = [[[T]]](repeating: [], count: keepAttention ? b : 0)
        var remaining = b
        var best = [Int32](repeating: 0, count: b)
        for t in 0..<steps where remaining > 0 {
            input.withUnsafeBufferPointer { model.embedTargetStep(t, ids: $0.baseAddress!) }
            let h = model.decodeStep(t)
            let logProbabilities = model.generator.logProbabilities(h, rows: b)
            let attention = model.attention.attentionWeights(t)
            best.withUnsafeMutableBufferPointer {
                T.argmaxRows(logProbabilities.data, rows: b, cols: v, ld: v, $0.baseAddress!)
            }
            for r in 0..<b {
                guard !done[r] else {
                    input[r] = SpecialIds.pad
                    continue
                }
                let best = best[r]
                if keepAttention {
                    weights[r].append(Array(UnsafeBufferPointer(start: attention + r * s, count: Int(lengths[r]))))
                }
                if best == SpecialIds.eos || tokens[r].count + 1 >= limits[r] {
                    if best != SpecialIds.eos { tokens[r].append(best) }
                    done[r] = true
                    remaining -= 1
                    input[r] = SpecialIds.pad
                } else {
                    tokens[r].append(best)
                    input[r] = best
                }
            }
        }
        for (col, i) in rows.enumerated() {
            output.tokens[i] = tokens[col]
            if keepAttention { output.attention![i] = weights[col] }
        }
        return output
    }
}

extension GreedyDecoder {
    /// Decodes any number of sources in batches of at most `batchSize` sentences of similar
    /// length (sorted, so little padding); results in input order.
    public func decodeInBatches(_ sources: [[Int32]], batchSize: Int) -> [[Int32]] {
        precondition(batchSize > 0)
        let order = sources.indices.sorted { (sources[$0].count, $0) < (sources[$1].count, $1) }
        var result = [[Int32]](repeating: [], count: sources.count)
        var start = 0
        while start < order.count {
            let chunk = order[start..<Swift.min(start + batchSize, order.count)]
            start += chunk.count
            let out = decode(chunk.map { sources[$0] })
            for (k, i) in chunk.enumerated() { result[i] = out.tokens[k] }
        }
        return result
    }
}

/// The ids every vocabulary starts with (`<pad> <unk> <s> </s>`).
enum SpecialIds {
    static let pad: Int32 = 0
    static let bos: Int32 = 2
    static let eos: Int32 = 3
}
