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
///
/// An ensemble of models searches as one model whose log-probabilities at each step are
/// the mean of theirs (each model encodes its own source ids and runs its own decoder on
/// the same rows); attention and alignments are the first model's. A prefix forces the
/// first tokens of a sentence's output (one live hypothesis until it ends); a prefix
/// ending in `</s>` is the whole output, which scores a given target (forced decoding).
public final class BeamSearch<T: Real> {
    /// The first model of `models`: its attention gives the alignments.
    public let model: Seq2Seq<T>
    /// The models whose log-probabilities are averaged; one model searches alone.
    public let models: [Seq2Seq<T>]
    public let options: BeamSearchOptions
    /// Decoder rows run so far (one per live hypothesis per step): the search's work.
    public private(set) var decodedRows = 0
    /// The model arithmetic of the searches so far, counted by `Seq2SeqConfig`'s rules.
    public private(set) var arithmetic = 0.0
    /// A decoder step's arithmetic in this batch, all models: per row, and per source
    /// position a row attends to (the cost is linear in the source length).
    private var stepArithmetic = (perRow: 0.0, perSourcePosition: 0.0)

    // Reused buffers.
    private var inputIds: [Int32] = []
    private var topIndices: [Int32] = []
    private var topValues: [Double] = []
    private var attentionArgmax: [Int32] = []
    private var rowBuffer: [Double] = []
    private var candidates: [Candidate] = []
    // Each model's output layer restricted to a batch's shortlist: its rows of the weight and bias.
    private let shortlistWeights: [Tensor<T>]
    private let shortlistBiases: [Tensor<T>]
    /// Each model's output layer (all of it, or the shortlist's rows) packed once per batch
    /// (the whole layer once for all, when the model's weights are fixed), and the step's logits.
    private let outputWeights: [PackedWeight<T>]
    private let stepLogitBuffers: [Tensor<T>]
    // An ensemble's mean log-probabilities of the step, [rows, columns].
    private var meanLogProbabilities: [Double] = []

    // The search tree of the current batch: one node per live hypothesis ever made.
    private var nodeToken: [Int32] = []
    private var nodeParent: [Int32] = []
    private var nodeSource: [Int32] = []
    private var nodeAttention: [Int] = []     // offset into attentionPool, or -1
    private var nodeLogProbability: [Double] = []   // the step's log-probability (keepTokenScores)
    private var attentionPool: [Double] = []

    public convenience init(model: Seq2Seq<T>, options: BeamSearchOptions) {
        self.init(models: [model], options: options)
    }

    /// `models` share the target vocabulary; the shortlist, if any, is the first model's.
    public init(models: [Seq2Seq<T>], options: BeamSearchOptions) {
        if let problem = options.problem { preconditionFailure("BeamSearchOptions: \(problem)") }
        precondition(!models.isEmpty, "a search needs a model")
        // Decoding state lives in the model: one object twice would overwrite its own state.
        precondition(Set(models.map(ObjectIdentifier.init)).count == models.count, "a model twice in the ensemble")
        let model = models[0]
        precondition(
            models.allSatisfy { $0.config.targetVocabularySize == model.config.targetVocabularySize },
            "the ensemble's target vocabularies differ in size")
        if let shortlist = options.shortlist {
            precondition(
                shortlist.sourceVocabularySize == model.config.sourceVocabularySize
                    && shortlist.targetVocabularySize == model.config.targetVocabularySize,
                "the shortlist's vocabulary sizes differ from the model's")
        }
        self.model = model
        self.models = models
        self.options = options
        shortlistWeights = models.map { _ in Tensor<T>([0]) }
        shortlistBiases = models.map { _ in Tensor<T>([0]) }
        outputWeights = models.map { _ in PackedWeight<T>() }
        stepLogitBuffers = models.map { _ in Tensor<T>([0]) }
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
        var prefix: [Int32]          // the output's forced first tokens
        var finished: [Hypothesis] = []
    }

    /// n-best lists (best first, `options.nBest` long) for source id sequences without
    /// `<s>`/`</s>`, in the order given (each model of an ensemble reads the same ids).
    /// An empty source gives one empty hypothesis. `finished`, if given, is called with each
    /// input's index and list as soon as that input is done, before the batch is.
    public func search(_ sources: [[Int32]], finished: ((Int, [Hypothesis]) -> Void)? = nil) -> [[Hypothesis]] {
        search(sources.map { SearchInput(sources: Array(repeating: $0, count: models.count)) }, finished: finished)
    }

    /// n-best lists for the inputs, in the order given. An input with an empty source gives
    /// one empty hypothesis. `finished` as above: a server answers a short sentence while
    /// the long ones of its batch are still being searched.
    public func search(_ inputs: [SearchInput], finished: ((Int, [Hypothesis]) -> Void)? = nil) -> [[Hypothesis]] {
        precondition(inputs.allSatisfy { $0.sources.count == models.count }, "one source per model of the ensemble")
        let vocabularySize = model.config.targetVocabularySize
        precondition(inputs.allSatisfy { $0.prefix.allSatisfy { $0 >= 0 && Int($0) < vocabularySize } },
                     "prefix ids outside the target vocabulary")
        var results = [[Hypothesis]](repeating: [Hypothesis.empty], count: inputs.count)
        let used = inputs.indices.filter { i in inputs[i].sources.allSatisfy { !$0.isEmpty } }
        if let finished {
            for i in inputs.indices where inputs[i].sources.contains(where: \.isEmpty) { finished(i, results[i]) }
        }
        guard !used.isEmpty else { return results }
        for (m, member) in models.enumerated() { encode(used.map { inputs[$0].sources[m] }, model: member) }
        let allowed = outputVocabulary(for: used.map { inputs[$0].sources[0] }, prefixes: used.map { inputs[$0].prefix })
        let v = allowed?.count ?? model.config.targetVocabularySize
        stepArithmetic = (0, 0)
        for (m, member) in models.enumerated() {
            let generator = member.generator
            if let int8 = member.int8Weights {
                // Quantised once: a shortlist takes its rows of the whole layer's int8 form.
                outputWeights[m].int8 = allowed.map { Int8Weight(rows: $0, of: int8.output) } ?? int8.output
            } else {
                outputWeights[m].int8 = nil
                // A shortlist's rows are copied to the same place for every batch: never kept.
                outputWeights[m].weightFixed = member.weightsFixed && allowed == nil
                outputWeights[m].packTransposed(
                    allowed == nil ? generator.weight.value.data : shortlistWeights[m].data, outputs: v,
                    depth: generator.inputSize, ld: generator.inputSize)
            }
            let config = member.config
            arithmetic += Double(used.reduce(0) { $0 + inputs[$1].sources[m].count })
                * (config.encoderFLOPsPerToken + config.attentionKeyFLOPsPerSourceToken)
                + Double(used.count) * config.bridgeFLOPsPerSentence
            let lookedUp = member.targetInputTable != nil
            let row = config.decoderStepFLOPs(sourceLength: 0, outputColumns: v, embeddingLookedUp: lookedUp)
            stepArithmetic.perRow += row
            stepArithmetic.perSourcePosition +=
                config.decoderStepFLOPs(sourceLength: 1, outputColumns: v, embeddingLookedUp: lookedUp) - row
        }
        let k = Swift.min(options.beamSize, v)
        resetTree()
        var active: [Sentence] = used.enumerated().map { col, i in
            let n = inputs[i].sources[0].count, prefix = inputs[i].prefix
            return Sentence(index: i, sourceLength: n,
                            limit: Swift.max(options.maxLength(sourceLength: n), prefix.count),
                            rows: col..<(col + 1), nodes: [-1], scores: [0], prefix: prefix)
        }
        var step = 0
        while !active.isEmpty {
            let weights = scoreNextTokens(of: active, step: step, k: k, columns: v, allowed: allowed)
            var selectedRows: [Int] = []
            let stepped = finished == nil ? [] : active.map(\.index)
            active = active.compactMap {
                advance($0, step: step, k: k, attention: weights, selectedRows: &selectedRows, results: &results)
            }
            if let finished, active.count < stepped.count {
                // A sentence leaves `active` once: when its list is final.
                let live = Set(active.map(\.index))
                for i in stepped where !live.contains(i) { finished(i, results[i]) }
            }
            guard !active.isEmpty else { break }
            for member in models { member.selectDecoderBatch(selectedRows) }
            step += 1
        }
        return results
    }

    /// Encodes a batch of non-empty sources and starts the decoder with a capacity of one step.
    private func encode(_ sources: [[Int32]], model: Seq2Seq<T>) {
        let steps = sources.map(\.count).max()!
        model.encode(
            source: Padding.timeMajor(sources, steps: steps), sourceLengths: sources.map { Int32($0.count) },
            training: false, backward: false)
        model.beginDecoding(steps: 1, targetLengths: nil, training: false, backward: false)
    }

    /// The target ids the output layer scores for this batch: the shortlist's union (with
    /// the prefixes' tokens), to which the layer is then restricted, or nil for the whole
    /// vocabulary. A union smaller than the beam (a tiny shortlist) would starve it, so then
    /// all ids are scored.
    private func outputVocabulary(for sources: [[Int32]], prefixes: [[Int32]]) -> [Int32]? {
        guard var allowed = options.shortlist?.targets(for: sources) else { return nil }
        if prefixes.contains(where: { !$0.isEmpty }) {
            allowed = Array(Set(allowed).union(prefixes.joined())).sorted()
        }
        guard allowed.count >= options.beamSize else { return nil }
        restrictOutputLayer(to: allowed)
        return allowed
    }

    private func resetTree() {
        nodeToken.removeAll(keepingCapacity: true)
        nodeParent.removeAll(keepingCapacity: true)
        nodeSource.removeAll(keepingCapacity: true)
        nodeAttention.removeAll(keepingCapacity: true)
        nodeLogProbability.removeAll(keepingCapacity: true)
        attentionPool.removeAll(keepingCapacity: true)
    }

    /// One decoder step over every live row: the K best next tokens of each row by
    /// log-probability (an ensemble's mean) into `topIndices`/`topValues` (target ids), in a
    /// row whose sentence is still in its prefix only the forced token (first slot), and with
    /// `keepAlignment` each row's most-attended source position. Returns the step's
    /// attention weights (the first model's).
    private func scoreNextTokens(
        of active: [Sentence], step: Int, k: Int, columns v: Int, allowed: [Int32]?
    ) -> UnsafeMutablePointer<T> {
        // Inputs: <s> first, then each row's last token.
        inputIds.removeAll(keepingCapacity: true)
        var sourcePositions = 0
        for sentence in active {
            for node in sentence.nodes { inputIds.append(node < 0 ? SpecialToken.bos : nodeToken[Int(node)]) }
            sourcePositions += sentence.nodes.count * sentence.sourceLength
        }
        let rowCount = inputIds.count
        arithmetic += Double(rowCount) * stepArithmetic.perRow + Double(sourcePositions) * stepArithmetic.perSourcePosition
        decodedRows += rowCount
        if topIndices.count < rowCount * k {
            topIndices = [Int32](repeating: 0, count: rowCount * k)
            topValues = [Double](repeating: 0, count: rowCount * k)
        }
        let logits = stepLogits(0, rows: rowCount, columns: v, restricted: allowed != nil)
        if models.count == 1 {
            topIndices.withUnsafeMutableBufferPointer { idx in
                topValues.withUnsafeMutableBufferPointer { val in
                    T.logSoftmaxTopKRows(logits.data, rows: rowCount, cols: v, k: k,
                               indices: idx.baseAddress!, values: val.baseAddress!)
                }
            }
        } else {
            averageLogProbabilities(first: logits, rows: rowCount, columns: v, restricted: allowed != nil)
            meanLogProbabilities.withUnsafeBufferPointer { mean in
                topIndices.withUnsafeMutableBufferPointer { idx in
                    topValues.withUnsafeMutableBufferPointer { val in
                        Double.topKRows(mean.baseAddress!, rows: rowCount, cols: v, k: k,
                                        indices: idx.baseAddress!, values: val.baseAddress!)
                    }
                }
            }
        }
        for sentence in active where step < sentence.prefix.count {
            let column = allowed.map { Self.column(of: sentence.prefix[step], in: $0) } ?? Int(sentence.prefix[step])
            for r in sentence.rows {
                topIndices[r * k] = Int32(column)
                topValues[r * k] = models.count == 1
                    ? T.logSoftmaxAt(logits.data + r * v, cols: v, column: column)
                    : meanLogProbabilities[r * v + column]
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

    /// Runs model m's decoder step on `inputIds` and returns its logits [rows, columns]
    /// (over the shortlist's ids when restricted).
    private func stepLogits(_ m: Int, rows: Int, columns v: Int, restricted: Bool) -> Tensor<T> {
        let member = models[m]
        inputIds.withUnsafeBufferPointer { member.embedTargetStep(0, ids: $0.baseAddress!) }
        let hidden = member.decodeStep(0)
        return member.generator.logitRows(
            hidden, rows: rows, packed: outputWeights[m],
            bias: restricted ? shortlistBiases[m].data : member.generator.bias.value.data, into: stepLogitBuffers[m])
    }

    /// The ensemble's step: the mean of the models' log-softmax rows into
    /// `meanLogProbabilities`, starting from the first model's logits.
    private func averageLogProbabilities(first: Tensor<T>, rows: Int, columns v: Int, restricted: Bool) {
        if meanLogProbabilities.count < rows * v { meanLogProbabilities = [Double](repeating: 0, count: rows * v) }
        let weight = 1 / Double(models.count)
        meanLogProbabilities.withUnsafeMutableBufferPointer { mean in
            T.addLogSoftmaxRows(first.data, rows: rows, cols: v, weight: weight, into: mean.baseAddress!, accumulate: false)
        }
        for m in 1..<models.count {
            let logits = stepLogits(m, rows: rows, columns: v, restricted: restricted)
            meanLogProbabilities.withUnsafeMutableBufferPointer { mean in
                T.addLogSoftmaxRows(logits.data, rows: rows, cols: v, weight: weight, into: mean.baseAddress!, accumulate: true)
            }
        }
    }

    /// The position of target id `id` in the ascending output vocabulary `allowed` (which holds it).
    private static func column(of id: Int32, in allowed: [Int32]) -> Int {
        var low = 0, high = allowed.count
        while low < high {
            let mid = (low + high) / 2
            if allowed[mid] < id { low = mid + 1 } else { high = mid }
        }
        precondition(low < allowed.count && allowed[low] == id, "prefix token \(id) outside the output vocabulary")
        return low
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
        // In the prefix, a row's only continuation is the forced token.
        let width = step < sentence.prefix.count ? 1 : k
        for (j, r) in sentence.rows.enumerated() {
            for c in 0..<width {
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
            nodes.append(addNode(token: c.token, parent: sentence.nodes[j], row: c.row, logProbability: topValues[c.order],
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

    /// Copies each model's generator rows for `ids` into its shortlist layer: the biases, and
    /// the float weights unless the model multiplies in int8 (which takes its own rows).
    private func restrictOutputLayer(to ids: [Int32]) {
        for (m, member) in models.enumerated() {
            let h = member.generator.inputSize, shortlistWeight = shortlistWeights[m], shortlistBias = shortlistBiases[m]
            shortlistBias.resize([ids.count])
            let bias = member.generator.bias.value.data
            for (j, id) in ids.enumerated() { shortlistBias.data[j] = bias[Int(id)] }
            guard member.int8Weights == nil else { continue }
            shortlistWeight.resize([ids.count, h])
            let weight = member.generator.weight.value.data
            for (j, id) in ids.enumerated() { T.copy(weight + Int(id) * h, shortlistWeight.data + j * h, h) }
        }
    }

    /// Records a live hypothesis's newest token (and what is kept of its attention and score).
    private func addNode(
        token: Int32, parent: Int32, row: Int, logProbability: Double, attentionRow: UnsafePointer<T>, length: Int
    ) -> Int32 {
        nodeToken.append(token)
        nodeParent.append(parent)
        nodeSource.append(options.keepAlignment ? attentionArgmax[row] : -1)
        if options.keepTokenScores { nodeLogProbability.append(logProbability) }
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
        var tokens: [Int32] = [], sourcePositions: [Int] = [], attention: [[Double]] = [], stepScores: [Double] = []
        var node = sentence.nodes[c.row - sentence.rows.lowerBound]
        while node >= 0 {
            let n = Int(node)
            tokens.append(nodeToken[n])
            if options.keepAlignment { sourcePositions.append(Int(nodeSource[n])) }
            if options.keepTokenScores { stepScores.append(nodeLogProbability[n]) }
            if options.keepAttention {
                let o = nodeAttention[n]
                attention.append(Array(attentionPool[o..<(o + sentence.sourceLength)]))
            }
            node = nodeParent[n]
        }
        tokens.reverse()
        sourcePositions.reverse()
        attention.reverse()
        stepScores.reverse()
        if options.keepTokenScores { stepScores.append(topValues[c.order]) }
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
            alignment: options.keepAlignment ? sourcePositions : nil,
            tokenLogProbabilities: options.keepTokenScores ? stepScores : nil)
    }
}

extension BeamSearch {
    /// The batches `searchInBatches` searches: source indices sorted by length (then index),
    /// cut into runs of at most `batchSize`.
    public static func batches(_ sources: [[Int32]], batchSize: Int) -> [ArraySlice<Int>] {
        batches(lengths: sources.map(\.count), batchSize: batchSize)
    }

    /// The same batches for sources of these lengths.
    public static func batches(lengths: [Int], batchSize: Int) -> [ArraySlice<Int>] {
        precondition(batchSize > 0)
        let order = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        return stride(from: 0, to: order.count, by: batchSize).map {
            order[$0..<Swift.min($0 + batchSize, order.count)]
        }
    }

    /// n-best lists for any number of sources, searched in batches of at most `batchSize`
    /// sentences of similar length (sorted by length); results in input order. The longest
    /// batch goes first, so the model's buffers reach their size once instead of growing.
    public func searchInBatches(_ sources: [[Int32]], batchSize: Int) -> [[Hypothesis]] {
        searchInBatches(sources.map { SearchInput(sources: Array(repeating: $0, count: models.count)) }, batchSize: batchSize)
    }

    /// The same for inputs, batched by the first model's source lengths.
    public func searchInBatches(_ inputs: [SearchInput], batchSize: Int) -> [[Hypothesis]] {
        var result = [[Hypothesis]](repeating: [], count: inputs.count)
        for chunk in Self.batches(lengths: inputs.map(\.sources[0].count), batchSize: batchSize).reversed() {
            let out = search(chunk.map { inputs[$0] })
            for (j, i) in chunk.enumerated() { result[i] = out[j] }
        }
        return result
    }
}
