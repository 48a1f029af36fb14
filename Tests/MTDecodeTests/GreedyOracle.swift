import MTCore
import MTModel
import MTTensor

/// Greedy decoding written out on its own, step by step on the model's argmax: the oracle
/// that beam search at K = 1 (the one search that validation and mt-translate run) must
/// match token for token. Finished sentences leave the decoder batch, as in the search.
struct GreedyOracle<T: Real> {
    let model: Seq2Seq<T>
    let maxLengthRatio: Double
    let maxLengthConstant: Int

    func maxLength(sourceLength n: Int) -> Int {
        Swift.max(1, Int(maxLengthRatio * Double(n)) + maxLengthConstant)
    }

    /// Target ids per source (without `</s>`); empty sources give empty outputs.
    func decode(_ sources: [[Int32]]) -> [[Int32]] {
        var output = [[Int32]](repeating: [], count: sources.count)
        let rows = sources.indices.filter { !sources[$0].isEmpty }
        guard !rows.isEmpty else { return output }
        let used = rows.map { sources[$0] }
        let steps = used.map(\.count).max()!
        let lengths = used.map { Int32($0.count) }
        let limits = used.map { maxLength(sourceLength: $0.count) }
        model.encode(source: Padding.timeMajor(used, steps: steps), sourceLengths: lengths, training: false, backward: false)
        model.beginDecoding(steps: 1, targetLengths: nil, training: false, backward: false)
        let v = model.config.targetVocabularySize
        var tokens = [[Int32]](repeating: [], count: rows.count)
        var input = [Int32](repeating: SpecialToken.bos, count: rows.count)
        var rowSentence = Array(rows.indices)
        var best = [Int32](repeating: 0, count: rows.count), value = [Double](repeating: 0, count: rows.count)
        while !rowSentence.isEmpty {
            let n = rowSentence.count
            input.withUnsafeBufferPointer { model.embedTargetStep(0, ids: $0.baseAddress!) }
            let logits = model.generator.logitRows(model.decodeStep(0), rows: n)
            T.logSoftmaxTopKRows(logits.data, rows: n, cols: v, k: 1, indices: &best, values: &value)
            var live: [Int] = [], next: [Int] = []
            input.removeAll()
            for r in 0..<n {
                let col = rowSentence[r], token = best[r]
                if token != SpecialToken.eos { tokens[col].append(token) }
                if token != SpecialToken.eos && tokens[col].count < limits[col] {
                    input.append(token)
                    live.append(r)
                    next.append(col)
                }
            }
            if live.isEmpty { break }
            model.selectDecoderBatch(live)
            rowSentence = next
        }
        for (col, i) in rows.enumerated() { output[i] = tokens[col] }
        return output
    }
}
