import MTCore
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
/// training cannot disagree. Like beam search it keeps no training caches: the decoder runs
/// with a capacity of one step, `selectDecoderBatch` carries the states to the next step,
/// and finished sentences leave the decoder batch.
public final class GreedyDecoder<T: Real> {
    public let model: Seq2Seq<T>
    public var maxLengthRatio: Double
    public var maxLengthConstant: Int

    // Reused buffers.
    private var input: [Int32] = []
    private var best: [Int32] = []
    private var bestValue: [Double] = []
    private var liveRows: [Int] = []
    private var rowSentence: [Int] = []
    private var nextRowSentence: [Int] = []

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
        var source = [Int32](repeating: SpecialToken.pad, count: s * b)
        for (col, i) in rows.enumerated() {
            for (step, id) in sources[i].enumerated() { source[step * b + col] = id }
        }
        let lengths = rows.map { Int32(sources[$0].count) }
        let limits = lengths.map { maxLength(sourceLength: Int($0)) }

        model.encode(source: source, sourceLengths: lengths, training: false, backward: false)
        model.beginDecoding(steps: 1, targetLengths: nil, training: false, backward: false)
        let v = model.config.targetVocabularySize
        var tokens = [[Int32]](repeating: [], count: b)
        var weights = [[[T]]](repeating: [], count: keepAttention ? b : 0)
        input = [Int32](repeating: SpecialToken.bos, count: b)
        rowSentence = Array(0..<b)
        if best.count < b {
            best = [Int32](repeating: 0, count: b)
            bestValue = [Double](repeating: 0, count: b)
        }
        var n = b
        while n > 0 {
            input.withUnsafeBufferPointer { model.embedTargetStep(0, ids: $0.baseAddress!) }
            let h = model.decodeStep(0)
            let logits = model.generator.logitRows(h, rows: n)
            best.withUnsafeMutableBufferPointer { idx in
                bestValue.withUnsafeMutableBufferPointer { val in
                    T.logSoftmaxTopKRows(logits.data, rows: n, cols: v, k: 1,
                                         indices: idx.baseAddress!, values: val.baseAddress!)
                }
            }
            let attention = model.attention.attentionWeights(0)
            let ld = model.attention.sourceLength
            liveRows.removeAll(keepingCapacity: true)
            nextRowSentence.removeAll(keepingCapacity: true)
            input.removeAll(keepingCapacity: true)
            for r in 0..<n {
                let col = rowSentence[r], token = best[r]
                if keepAttention {
                    weights[col].append(Array(UnsafeBufferPointer(start: attention + r * ld, count: Int(lengths[col]))))
                }
                if token == SpecialToken.eos || tokens[col].count + 1 >= limits[col] {
                    if token != SpecialToken.eos { tokens[col].append(token) }
                } else {
                    tokens[col].append(token)
                    input.append(token)
                    liveRows.append(r)
                    nextRowSentence.append(col)
                }
            }
            if liveRows.isEmpty { break }
            model.selectDecoderBatch(liveRows)
            swap(&rowSentence, &nextRowSentence)
            n = liveRows.count
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
