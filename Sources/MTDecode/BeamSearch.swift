import MTCore
import MTModel
import MTTensor

/// Batched beam search over the model's own step code.
///
/// A batch of sentences is encoded once; the live hypotheses of all its sentences are the
/// rows of the decoder batch (one row per sentence at the first step, then up to K), so
/// each step is one GEMM per layer and one generator GEMM over all rows. Each step:
/// the K best tokens of every row by log-probability (`logSoftmaxTopKRows`, which never
/// writes the log-probabilities out), and per sentence
/// the K best of those candidates by cumulative log-probability. A candidate ending in
/// `</s>` among the K best is finished and kept aside; the K best others live on. At the
/// length limit every candidate among the K best is finished as it stands.
///
/// Finished hypotheses are ranked by score = Σ log p / lp(n), lp(n) = ((5 + n)/6)^α with n
/// the scored steps (tokens, plus `</s>` when produced). With `earlyStop` a sentence is done
/// when it holds K finished hypotheses. Without it, it is done when, besides, no live one
/// can beat the K-th: a live score only falls with more tokens, and lp grows at most to
/// lp(limit), so bestLive / lp(limit) bounds it. Done sentences leave the decoder batch
/// (their rows are dropped).
///
/// Decoding keeps no training caches: the decoder runs with a capacity of one step and
/// `selectDecoderBatch` carries the states (reordered) from one step to the next.
/// With K = 1 this is greedy search, token for token.
public final class BeamSearch<T: Real> {
    public let model: Seq2Seq<T>
    public let options: BeamSearchOptions
    /// Decoder rows run so far (one per live hypothesis per step): the search's work.
    public private(set) var decodedRows = 0
    /// The model arithmetic of the searches so far, counted by `Seq2SeqConfig`'s rules.
    public private(set) var arithmetic = 0.0

    // Reused buffers.
    private var inputIds: [Int32] = []
    private var topIndices: [Int32] = []
    private var topValues: [Double] = []
    private var attentionArgmax: [Int32] = []
    private var rowBuffer: [Double] = []
    private var candidates: [Candidate] = []
    // The output layer restricted to a batch's shortlist: its rows of the weight and bias.
    private let shortlistWeight = Tensor<T>([0])
    private let shortlistBias = Tensor<T>([0])
    /// The output layer (all of it, or the shortlist's rows) packed once per batch, and the
    /// step's logits.
    private let outputWeight = PackedWeight<T>()
    private let logits = Tensor<T>([0])

    // The search tree of the current batch: one node per live hypothesis ever made.
    private var nodeToken: [Int32] = []
    private var nodeParent: [Int32] = []
    private var nodeSource: [Int32] = []
    private var nodeAttention: [Int] = []     // offset into attentionPool, or -1
    private var attentionPool: [Double] = []

    public init(model: Seq2Seq<T>, options: BeamSearchOptions) {
        if let problem = options.problem { preconditionFailure("BeamSearchOptions: \(problem)") }
        if let shortlist = options.shortlist {
            precondition(
                shortlist.sourceVocabularySize == model.config.sourceVocabularySize
                    && shortlist.targetVocabularySize == model.config.targetVocabularySize,
                "the shortlist's vocabulary sizes differ from the model's")
        }
        self.model = model
        self.options = options
    }

    private struct Candidate {
        var score: Double
        var row: Int
        var token: Int32
        var order: Int
    }

    private struct Sentence {
        var index: Int               // position in the batch given
        var sourceLength: Int
        var limit: Int
        var rows: Range<Int>         // its rows in the current decoder batch
        var nodes: [Int32]           // node of each row (-1: the start)
        var scores: [Double]         // cumulative log-prob of each row
        var finished: [Hypothesis] = []
    }

    /// n-best lists (best first, `options.nBest` long) for source id sequences without
    /// `<s>`/`</s>`, in the order given. An empty source gives one empty hypothesis.
    public func search(_ sources: [[Int32]]) -> [[Hypothesis]] {
        var results = [[Hypothesis]](repeating: [Hypothesis.empty], count: sources.count)
        let used = sources.indices.filter { !sources[$0].isEmpty }
        guard !used.isEmpty else { return results }
        let batch = used.map { sources[$0] }
        encode(batch)
        let allowed = outputVocabulary(for: batch)
        let v = allowed?.count ?? model.config.targetVocabularySize
        outputWeight.packTransposed(
            allowed == nil ? model.generator.weight.value.data : shortlistWeight.data, outputs: v,
            depth: model.generator.inputSize, ld: model.generator.inputSize)
        let config = model.config
        arithmetic += Double(batch.reduce(0) { $0 + $1.count }) * (config.encoderFLOPsPerToken + config.attentionKeyFLOPsPerSourceToken)
            + Double(batch.count) * config.bridgeFLOPsPerSentence
        let k = Swift.min(options.beamSize, v)
        resetTree()
        var active: [Sentence] = used.enumerated().map { col, i in
            Sentence(index: i, sourceLength: sources[i].count,
                     limit: options.maxLength(sourceLength: sources[i].count),
                     rows: col..<(col + 1), nodes: [-1], scores: [0])
        }
        var step = 0
        while !active.isEmpty {
            let weights = scoreNextTokens(of: active, k: k, columns: v, allowed: allowed)
            var selectedRows: [Int] = []
            active = active.compactMap {
                advance($0, step: step, k: k, attention: weights, selectedRows: &selectedRows, results: &results)
            }
            guard !active.isEmpty else { break }
            model.selectDecoderBatch(selectedRows)
            step += 1
        }
        return results
    }

    /// Encodes a batch of non-empty sources and starts the decoder with a capacity of one step.
    private func encode(_ sources: [[Int32]]) {
        let steps = sources.map(\.count).max()!
        model.encode(
            source: Padding.timeMajor(sources, steps: steps), sourceLengths: sources.map { Int32($0.count) },
            training: false, backward: false)
        model.beginDecoding(steps: 1, targetLengths: nil, training: false, backward: false)
    }

    /// The target ids the output layer scores for this batch: the shortlist's union, to which
    /// the layer is then restricted, or nil for the whole vocabulary. A union smaller than
    /// the beam (a tiny shortlist) would starve it, so then all ids are scored.
    private func outputVocabulary(for sources: [[Int32]]) -> [Int32]? {
        guard let allowed = options.shortlist?.targets(for: sources), allowed.count >= options.beamSize else { return nil }
        restrictOutputLayer(to: allowed)
        return allowed
    }

    private func resetTree() {
        nodeToken.removeAll(keepingCapacity: true)
        nodeParent.removeAll(keepingCapacity: true)
        nodeSource.removeAll(keepingCapacity: true)
        nodeAttention.removeAll(keepingCapacity: true)
        attentionPool.removeAll(keepingCapacity: true)
    }

    /// One decoder step over every live row: the K best next tokens of each row by
    /// log-probability into `topIndices`/`topValues` (target ids), and with `keepAlignment`
    /// each row's most-attended source position. Returns the step's attention weights.
    private func scoreNextTokens(of active: [Sentence], k: Int, columns v: Int, allowed: [Int32]?) -> UnsafeMutablePointer<T> {
        // Inputs: <s> first, then each row's last token.
        inputIds.removeAll(keepingCapacity: true)
        var sourcePositions = 0
        for sentence in active {
            for node in sentence.nodes { inputIds.append(node < 0 ? SpecialToken.bos : nodeToken[Int(node)]) }
            sourcePositions += sentence.nodes.count * sentence.sourceLength
        }
        let rowCount = inputIds.count
        // The step's cost is linear in the source length: rows × cost at the mean length.
        arithmetic += Double(rowCount) * model.config.decoderStepFLOPs(
            sourceLength: Double(sourcePositions) / Double(rowCount), outputColumns: v,
            embeddingLookedUp: model.targetInputTable != nil)
        inputIds.withUnsafeBufferPointer { model.embedTargetStep(0, ids: $0.baseAddress!) }
        let hidden = model.decodeStep(0)
        decodedRows += rowCount
        let logits = model.generator.logitRows(
            hidden, rows: rowCount, packed: outputWeight,
            bias: allowed == nil ? model.generator.bias.value.data : shortlistBias.data, into: self.logits)
        if topIndices.count < rowCount * k {
            topIndices = [Int32](repeating: 0, count: rowCount * k)
            topValues = [Double](repeating: 0, count: rowCount * k)
        }
        topIndices.withUnsafeMutableBufferPointer { idx in
            topValues.withUnsafeMutableBufferPointer { val in
                T.logSoftmaxTopKRows(logits.data, rows: rowCount, cols: v, k: k,
                           indices: idx.baseAddress!, values: val.baseAddress!)
            }
        }
        if let allowed {
            for slot in 0..<(rowCount * k) { topIndices[slot] = allowed[Int(topIndices[slot])] }
        }
        let weights = model.attention.attentionWeights(0)
        if options.keepAlignment {
            let ld = model.attention.sourceLength
            if attentionArgmax.count < rowCount { attentionArgmax = [Int32](repeating: 0, count: rowCount) }
            attentionArgmax.withUnsafeMutableBufferPointer {
                T.argmaxRows(weights, rows: rowCount, cols: ld, ld: ld, $0.baseAddress!)
            }
        }
        return weights
    }

    /// Takes a sentence one step on: of the K best continuations of each of its rows, the K
    /// best overall by cumulative log-probability. One ending in `</s>` among them (or any,
    /// at the length limit) finishes; the K best others live on as new nodes, their rows
    /// appended to `selectedRows`. A sentence that is done gets its n-best list in `results`
    /// and nil is returned.
    private func advance(
        _ sentence: Sentence, step: Int, k: Int, attention weights: UnsafeMutablePointer<T>,
        selectedRows: inout [Int], results: inout [[Hypothesis]]
    ) -> Sentence? {
        var sentence = sentence
        let ld = model.attention.sourceLength
        candidates.removeAll(keepingCapacity: true)
        for (j, r) in sentence.rows.enumerated() {
            for c in 0..<k {
                let slot = r * k + c
                candidates.append(Candidate(
                    score: sentence.scores[j] + topValues[slot], row: r, token: topIndices[slot], order: slot))
            }
        }
        candidates.sort { ($0.score, -$0.order) > ($1.score, -$1.order) }
        let final = step + 1 >= sentence.limit
        var alive: [Candidate] = []
        for (rank, c) in candidates.enumerated() {
            if c.token == SpecialToken.eos || final {
                if rank < k {
                    sentence.finished.append(finish(c, sentence: sentence, step: step, attentionRow: weights + c.row * ld))
                }
            } else if alive.count < k {
                alive.append(c)
            }
        }
        sentence.finished.sort { $0.score > $1.score }
        if sentence.finished.count > options.beamSize { sentence.finished.removeLast(sentence.finished.count - options.beamSize) }
        if final || alive.isEmpty || isDone(sentence, bestLive: alive[0].score, k: k) {
            results[sentence.index] = Array(sentence.finished.prefix(options.nBest))
            return nil
        }
        // Live hypotheses become nodes; their rows follow in the next decoder batch.
        let start = selectedRows.count
        var nodes: [Int32] = [], scores: [Double] = []
        for c in alive {
            let j = c.row - sentence.rows.lowerBound
            nodes.append(addNode(token: c.token, parent: sentence.nodes[j], row: c.row,
                                 attentionRow: weights + c.row * ld, length: sentence.sourceLength))
            scores.append(c.score)
            selectedRows.append(c.row)
        }
        sentence.rows = start..<selectedRows.count
        sentence.nodes = nodes
        sentence.scores = scores
        return sentence
    }

    /// Whether a sentence with K finished hypotheses stops: at once with `earlyStop`, else
    /// when its best live score, at the most favourable length normaliser, cannot beat the K-th.
    private func isDone(_ sentence: Sentence, bestLive: Double, k: Int) -> Bool {
        guard sentence.finished.count >= k else { return false }
        if options.earlyStop { return true }
        return bestLive / options.lengthNormalizer(sentence.limit) <= sentence.finished[k - 1].score
    }

    /// Copies the generator's rows for `ids` into the shortlist layer.
    private func restrictOutputLayer(to ids: [Int32]) {
        let h = model.generator.inputSize
        shortlistWeight.resize([ids.count, h])
        shortlistBias.resize([ids.count])
        let weight = model.generator.weight.value.data, bias = model.generator.bias.value.data
        for (j, id) in ids.enumerated() {
            T.copy(weight + Int(id) * h, shortlistWeight.data + j * h, h)
            shortlistBias.data[j] = bias[Int(id)]
        }
    }

    /// Records a live hypothesis's newest token (and what is kept of its attention).
    private func addNode(token: Int32, parent: Int32, row: Int, attentionRow: UnsafePointer<T>, length: Int) -> Int32 {
        nodeToken.append(token)
        nodeParent.append(parent)
        nodeSource.append(options.keepAlignment ? attentionArgmax[row] : -1)
        if options.keepAttention {
            let offset = attentionPool.count
            attentionPool.append(contentsOf: repeatElement(0, count: length))
            attentionPool.withUnsafeMutableBufferPointer { T.toDouble(attentionRow, $0.baseAddress! + offset, length) }
            nodeAttention.append(offset)
        } else {
            nodeAttention.append(-1)
        }
        return Int32(nodeToken.count - 1)
    }

    /// The finished hypothesis of candidate c: its row's history, plus c's token unless it is `</s>`.
    private func finish(_ c: Candidate, sentence: Sentence, step: Int, attentionRow: UnsafePointer<T>) -> Hypothesis {
        let eos = c.token == SpecialToken.eos
        var tokens: [Int32] = [], sourcePositions: [Int] = [], attention: [[Double]] = []
        var node = sentence.nodes[c.row - sentence.rows.lowerBound]
        while node >= 0 {
            let n = Int(node)
            tokens.append(nodeToken[n])
            if options.keepAlignment { sourcePositions.append(Int(nodeSource[n])) }
            if options.keepAttention {
                let o = nodeAttention[n]
                attention.append(Array(attentionPool[o..<(o + sentence.sourceLength)]))
            }
            node = nodeParent[n]
        }
        tokens.reverse()
        sourcePositions.reverse()
        attention.reverse()
        if !eos {
            tokens.append(c.token)
            if options.keepAlignment { sourcePositions.append(Int(attentionArgmax[c.row])) }
        }
        if options.keepAttention {
            rowBuffer = [Double](repeating: 0, count: sentence.sourceLength)
            rowBuffer.withUnsafeMutableBufferPointer { T.toDouble(attentionRow, $0.baseAddress!, sentence.sourceLength) }
            attention.append(rowBuffer)
        }
        let length = step + 1
        return Hypothesis(
            tokens: tokens, logProbability: c.score, score: c.score / options.lengthNormalizer(length),
            length: length, endedWithEOS: eos,
            attention: options.keepAttention ? attention : nil,
            alignment: options.keepAlignment ? sourcePositions : nil)
    }
}

extension BeamSearch {
    /// The batches `searchInBatches` searches: source indices sorted by length (then index),
    /// cut into runs of at most `batchSize`.
    public static func batches(_ sources: [[Int32]], batchSize: Int) -> [ArraySlice<Int>] {
        precondition(batchSize > 0)
        let order = sources.indices.sorted { (sources[$0].count, $0) < (sources[$1].count, $1) }
        return stride(from: 0, to: order.count, by: batchSize).map {
            order[$0..<Swift.min($0 + batchSize, order.count)]
        }
    }

    /// n-best lists for any number of sources, searched in batches of at most `batchSize`
    /// sentences of similar length (sorted by length); results in input order. The longest
    /// batch goes first, so the model's buffers reach their size once instead of growing.
    public func searchInBatches(_ sources: [[Int32]], batchSize: Int) -> [[Hypothesis]] {
        var result = [[Hypothesis]](repeating: [], count: sources.count)
        for chunk in Self.batches(sources, batchSize: batchSize).reversed() {
            let out = search(chunk.map { sources[$0] })
            for (j, i) in chunk.enumerated() { result[i] = out[j] }
        }
        return result
    }
}
