import MTCore
import MTTensor

/// The attentional encoder-decoder (Luong et al. 2015), with explicit forward and backward.
///
/// Encoder: source embedding → dropout → L-layer (bi)LSTM/GRU (`RecurrentStack`, dropout
/// between layers). Bridge: decoder initial states (`Seq2SeqBridge`). Decoder, one step
/// at a time: layer 0 reads [emb(y_t); h̃_{t−1}] with input feeding (h̃_0 = 0), else emb(y_t);
/// layers 1..L read the layer below through dropout; global attention on the top output
/// gives h̃_t. Generator: dropout(h̃) over all T·B positions in one GEMM with label-smoothed
/// cross-entropy; `<pad>` targets are ignored. Input feeding passes h̃ before dropout.
///
/// Training and decoding share the step code: `encode`, `beginDecoding`, then per step
/// `setTargetInput`/`embedTargetStep` and `decodeStep`.
///
/// Parameter names: `encoder.embedding.weight`, `encoder.layers.<l>.*`,
/// `decoder.embedding.weight`, `decoder.init.*` or `decoder.bridge.*`, `decoder.layers.<l>.*`,
/// `decoder.attention.*`, `generator.*`.
public final class Seq2Seq<T: Real> {
    public let config: Seq2SeqConfig
    public let store: ParameterStore<T>
    public let sourceEmbedding: Embedding<T>
    public let targetEmbedding: Embedding<T>
    public let encoder: RecurrentStack<T>
    public let decoderLayers: [RecurrentLayer<T>]
    public let attention: GlobalAttention<T>
    public let generator: Generator<T>
    let bridge: Seq2SeqBridge<T>
    let sourceDropout: Dropout<T>
    let targetDropout: Dropout<T>
    let outputDropout: Dropout<T>

    /// Current batch shape.
    public private(set) var batchSize = 0
    public private(set) var sourceSteps = 0
    public private(set) var decoderSteps = 0
    public private(set) var sourceLengths: [Int32] = []
    private var sourceIds: [Int32] = []
    private var targetInputIds: [Int32] = []

    // Workspaces.
    private let sourceEmbedded = Tensor<T>([0])      // [S, B, E] after dropout
    private let targetEmbedded = Tensor<T>([0])      // [T, B, E] after dropout
    private let feedInput = Tensor<T>([0])           // [B, E + H]: layer 0 input with input feeding
    private let zeroFeed = Tensor<T>([0])            // [B, H]: h̃ before step 0 (zeros, or carried by selectDecoderBatch)
    private let feedScratch = Tensor<T>([0])         // [B, H]: gathered h̃ in selectDecoderBatch
    private var lastDecodedStep = -1
    private let layerInput = Tensor<T>([0])          // [B, H]: a dropped-out lower layer output
    private let decoderMasks: [Tensor<T>]            // per layer l ≥ 1: [T, B, H]
    private var decoderDropoutActive = false
    private let droppedOutput = Tensor<T>([0])       // [T, B, H]: dropout(h̃)
    private let dOutput = Tensor<T>([0])             // [T, B, H]: gradient of h̃ from the loss
    // The generator's rows: only positions with a target (padding costs it nothing).
    private var targetRows: [Int] = []               // positions t·B + b with a real target
    private var compactTargets: [Int32] = []
    private let compactOutput = Tensor<T>([0])       // [N, H]: droppedOutput's rows with a target
    private let compactGradient = Tensor<T>([0])     // [N, H]: their gradient
    private let dFeed = Tensor<T>([0])               // [B, H]: gradient of h̃_t from step t+1
    private let dStep = Tensor<T>([0])               // [B, H]
    private let dLower = Tensor<T>([0])              // [B, H]
    private let dTargetEmbedded = Tensor<T>([0])     // [T, B, E]
    private let dSourceEmbedded = Tensor<T>([0])     // [S, B, E]
    private let inferenceRandom = SeededRandom(seed: 0)
    /// Decoding only: the target embedding's share of the first decoder layer's input
    /// projection for every target id (Seq2Seq+TargetInputTable.swift), and its rows for
    /// the step whose ids `embedTargetStep` looked up last.
    public internal(set) var targetInputTable: Tensor<T>?
    var projectedIds: [Int32] = []
    var projectedStep = -1
    /// Decoding only: the decoder's int8 forms (Seq2Seq+Int8.swift), nil for float products.
    public internal(set) var int8Weights: Int8Weights?
    /// Whether the weights stay as they are from now on (Seq2Seq+FixedWeights.swift).
    public internal(set) var weightsFixed = false
    /// Called by `forwardBackward` with stage s as soon as the gradients of
    /// `gradientStages[s]` are final, in the order of the stages (Seq2Seq+GradientStages.swift):
    /// for a sum across processes that overlaps the rest of the backward pass. Nil: no calls.
    public var gradientsFinal: ((_ stage: Int) -> Void)?

    /// `initializeParameters: false` leaves every parameter at zero, for a model whose values
    /// are loaded or copied next.
    public convenience init(_ config: Seq2SeqConfig, rng: SeededRandom, initializeParameters: Bool = true) {
        self.init(config, store: ParameterStore<T>(initializesValues: initializeParameters), rng: rng)
    }

    /// A replica for data-parallel training: the same parameter values as `primary` (shared,
    /// not copied), its own gradients and workspaces.
    public convenience init(sharingParametersWith primary: Seq2Seq<T>) {
        self.init(
            primary.config, store: ParameterStore<T>(sharingValuesWith: primary.store), rng: SeededRandom(seed: 0))
        precondition(store.parameters.count == primary.store.parameters.count, "replica parameter count")
        targetInputTable = primary.targetInputTable
        if let weights = primary.int8Weights { use(weights) }
        if primary.weightsFixed { fixWeights() }
    }

    private init(_ config: Seq2SeqConfig, store: ParameterStore<T>, rng: SeededRandom) {
        if let problem = config.problem { preconditionFailure("Seq2SeqConfig: \(problem)") }
        self.config = config
        self.store = store
        let e = config.embeddingSize, h = config.hiddenSize
        let initializer = Initializer.uniform(config.paramInit)
        sourceEmbedding = Embedding(
            store, name: "encoder.embedding", vocabulary: config.sourceVocabularySize, dim: e,
            initializer: initializer, rng: rng)
        encoder = RecurrentStack(
            store, name: "encoder", cell: config.cell, layers: config.encoderLayers, input: e,
            hidden: config.encoderHiddenSize, bidirectional: config.bidirectionalEncoder, dropout: config.dropout,
            initializer: initializer, rng: rng)
        targetEmbedding = Embedding(
            store, name: "decoder.embedding", vocabulary: config.targetVocabularySize, dim: e,
            initializer: initializer, rng: rng)
        bridge = Seq2SeqBridge(
            store, kind: config.decoderInit, encoderLayers: config.encoderLayers,
            decoderLayers: config.decoderLayers, hidden: h, cellState: config.cell.hasCellState,
            learnedInitializer: config.learnedInit == .uniform ? initializer : .zeros,
            initializer: initializer, rng: rng)
        decoderLayers = (0..<config.decoderLayers).map { l in
            RecurrentLayer.make(
                config.cell, store, name: "decoder.layers.\(l)",
                input: l == 0 ? (config.inputFeeding ? e + h : e) : h, hidden: h,
                initializer: initializer, rng: rng)
        }
        attention = GlobalAttention(
            store, name: "decoder.attention", kind: config.attention, querySize: h, memorySize: h,
            initializer: initializer, rng: rng)
        generator = Generator(
            store, name: "generator", input: h, vocabulary: config.targetVocabularySize,
            tiedWeight: config.tieTargetEmbeddings ? targetEmbedding.weight : nil,
            initializer: initializer, rng: rng)
        sourceDropout = Dropout(p: config.dropout)
        targetDropout = Dropout(p: config.dropout)
        outputDropout = Dropout(p: config.dropout)
        decoderMasks = (0..<config.decoderLayers).map { _ in Tensor<T>([0]) }
    }

    // MARK: encoder

    /// Encodes source ids [S, B] (time-major, `<pad>` after each sentence) and makes the
    /// decoder's initial states. `backward: false` (search) promises no backward pass, so the
    /// encoder keeps no per-step history.
    public func encode(
        source: [Int32], sourceLengths: [Int32], training: Bool, rng: SeededRandom? = nil, backward: Bool = true
    ) {
        let b = sourceLengths.count
        precondition(b > 0 && source.count % b == 0, "source of \(source.count) ids for batch \(b)")
        let s = source.count / b
        let e = config.embeddingSize
        batchSize = b
        sourceSteps = s
        self.sourceLengths = sourceLengths
        sourceIds = source
        let random = rng ?? inferenceRandom
        precondition(!training || config.dropout == 0 || rng != nil, "training dropout needs a random source")
        source.withUnsafeBufferPointer { _ = sourceEmbedding.forward($0.baseAddress!, count: s * b) }
        sourceEmbedded.resize([s, b, e])
        sourceDropout.forward(
            sourceEmbedding.output.data, into: sourceEmbedded.data, count: s * b * e, training: training,
            rng: random)
        encoder.forward(sourceEmbedded, lengths: sourceLengths, training: training, rng: random, backward: backward)
        bridge.forward(encoderFinalH: encoder.finalH, encoderFinalC: encoder.finalC, batch: b)
    }

    /// The encoder's top-layer output [S, B, H] (the attention memory).
    public var memory: Tensor<T> { encoder.output }

    // MARK: decoder steps

    /// Starts the decoder for up to `steps` steps on the encoded batch. `targetLengths`
    /// (teacher forcing) lets padded steps carry the state; nil runs every row every step.
    /// `backward: false` (search) promises no backward pass, so steps keep fewer copies.
    public func beginDecoding(
        steps: Int, targetLengths: [Int32]?, training: Bool, rng: SeededRandom? = nil, backward: Bool = true
    ) {
        let b = batchSize, h = config.hiddenSize, e = config.embeddingSize
        decoderSteps = steps
        lastDecodedStep = -1
        attention.prepare(memory: encoder.output, sourceLengths: sourceLengths, steps: steps)
        let h0 = bridge.initialH, c0 = bridge.initialC
        for (l, layer) in decoderLayers.enumerated() {
            layer.begin(
                batch: b, steps: steps, lengths: targetLengths, h0: h0?[l], c0: c0?[l], backward: backward)
        }
        targetEmbedded.resize([steps, b, e])
        if config.inputFeeding {
            feedInput.resize([b, e + h])
            zeroFeed.resize([b, h])
            zeroFeed.zero()
        }
        layerInput.resize([b, h])
        decoderDropoutActive = training && config.dropout > 0 && decoderLayers.count > 1
        if decoderDropoutActive {
            guard let rng else { preconditionFailure("training dropout needs a random source") }
            for l in 1..<decoderLayers.count {
                decoderMasks[l].resize([steps, b, h])
                T.dropoutMask(rng, keep: 1 - config.dropout, decoderMasks[l].data, decoderMasks[l].count)
            }
        }
    }

    /// Embeds the decoder inputs of step t (B ids) without dropout: the decoding path.
    public func embedTargetStep(_ t: Int, ids: UnsafePointer<Int32>) {
        let n = batchSize * config.embeddingSize
        targetEmbedding.forward(ids, count: batchSize)
        T.copy(targetEmbedding.output.data, targetEmbedded.slice(t), n)
        lookUpTargetInput(t, ids: ids)
    }

    /// Runs decoder step t on the embedded input of step t and returns h̃_t [B, H]
    /// (valid until the decoder is restarted). Steps run in order 0, 1, ...
    @discardableResult
    public func decodeStep(_ t: Int) -> UnsafeMutablePointer<T> {
        let b = batchSize, h = config.hiddenSize, e = config.embeddingSize
        let embedded = targetEmbedded.slice(t)
        lastDecodedStep = t
        if config.inputFeeding {
            let previous = t > 0 ? attention.output.slice(t - 1) : zeroFeed.data
            let width = e + h
            for r in 0..<b {
                T.copy(embedded + r * e, feedInput.data + r * width, e)
                T.copy(previous + r * h, feedInput.data + r * width + e, h)
            }
            stepFirstDecoderLayer(t, input: feedInput.data)
        } else {
            stepFirstDecoderLayer(t, input: embedded)
        }
        for l in 1..<decoderLayers.count {
            let below = decoderLayers[l - 1].output.slice(t)
            if decoderDropoutActive {
                T.mul(below, decoderMasks[l].slice(t), layerInput.data, b * h)
                decoderLayers[l].step(t, input: layerInput.data)
            } else {
                decoderLayers[l].step(t, input: below)
            }
        }
        return attention.step(t, query: decoderLayers[decoderLayers.count - 1].output.slice(t))
    }

    /// Decoding only (beam search): continues with new row i taking old row `rows[i]`'s
    /// decoder states and, with input feeding, its last attentional output. Step numbers
    /// restart at 0 with the same capacity, so `beginDecoding(steps: 1, …)` followed by one
    /// step and one selection per output token keeps no per-step caches at all.
    public func selectDecoderBatch(_ rows: [Int]) {
        let h = config.hiddenSize, e = config.embeddingSize, n = rows.count
        if config.inputFeeding {
            let previous = lastDecodedStep >= 0 ? attention.output.slice(lastDecodedStep) : zeroFeed.data
            feedScratch.resize([n, h])
            for (i, r) in rows.enumerated() {
                precondition(r >= 0 && r < batchSize, "batch row \(r) outside 0..<\(batchSize)")
                T.copy(previous + r * h, feedScratch.data + i * h, h)
            }
            zeroFeed.copy(from: feedScratch)
            feedInput.resize([n, e + h])
        }
        for layer in decoderLayers { layer.selectBatch(rows) }
        attention.selectBatch(rows)
        batchSize = n
        sourceLengths = attention.lengths
        lastDecodedStep = -1
        targetEmbedded.resize([decoderSteps, n, e])
        layerInput.resize([n, h])
    }

    // MARK: teacher forcing

    /// Encoder and decoder over a batch with teacher forcing; leaves dropout(h̃) [T, B, H]
    /// in `droppedOutput`.
    private func forward(_ batch: Batch, training: Bool, rng: SeededRandom?) {
        let b = batch.batchSize, steps = batch.targetSteps, e = config.embeddingSize, h = config.hiddenSize
        encode(source: batch.source, sourceLengths: batch.sourceLengths, training: training, rng: rng)
        beginDecoding(steps: steps, targetLengths: batch.targetLengths, training: training, rng: rng)
        targetInputIds = batch.targetInput
        targetInputIds.withUnsafeBufferPointer { _ = targetEmbedding.forward($0.baseAddress!, count: steps * b) }
        targetDropout.forward(
            targetEmbedding.output.data, into: targetEmbedded.data, count: steps * b * e,
            training: training, rng: rng ?? inferenceRandom)
        for t in 0..<steps { decodeStep(t) }
        droppedOutput.resize([steps, b, h])
        outputDropout.forward(
            attention.output.data, into: droppedOutput.data, count: steps * b * h, training: training,
            rng: rng ?? inferenceRandom)
    }

    /// Sums of the loss over a batch, forward only (no dropout): for validation perplexity.
    public func loss(_ batch: Batch) -> CrossEntropySums {
        forward(batch, training: false, rng: nil)
        let n = gatherTargetRows(batch)
        return compactTargets.withUnsafeBufferPointer {
            generator.crossEntropy(
                compactOutput.data, targets: $0.baseAddress!, rows: n, smoothing: config.labelSmoothing,
                paddingIndex: SpecialToken.pad)
        }
    }

    /// Copies the rows of `droppedOutput` that have a target into `compactOutput` (and their
    /// targets into `compactTargets`), in order; returns their number.
    private func gatherTargetRows(_ batch: Batch) -> Int {
        let h = config.hiddenSize
        targetRows.removeAll(keepingCapacity: true)
        compactTargets.removeAll(keepingCapacity: true)
        for (r, id) in batch.targetOutput.enumerated() where id != SpecialToken.pad {
            targetRows.append(r)
            compactTargets.append(id)
        }
        compactOutput.resize([targetRows.count, h])
        for (j, r) in targetRows.enumerated() { T.copy(droppedOutput.data + r * h, compactOutput.data + j * h, h) }
        return targetRows.count
    }

    /// One forward and one backward pass with teacher forcing. Returns the sums over the
    /// batch (label-smoothed loss, NLL, target tokens); the gradients ACCUMULATED into the
    /// parameters are those of loss / tokens, the mean per target token.
    @discardableResult
    ///
    /// `normalizer`: the token count to divide by instead of this batch's own (data-parallel
    /// training runs parts of a batch and divides each by the whole batch's tokens, so the
    /// summed gradients are the whole batch's).
    public func forwardBackward(
        _ batch: Batch, training: Bool, rng: SeededRandom? = nil, normalizer: Int? = nil
    ) -> CrossEntropySums {
        forward(batch, training: training, rng: rng)
        let b = batch.batchSize, steps = batch.targetSteps, h = config.hiddenSize
        let tokens = Swift.max(1, normalizer ?? batch.targetTokenCount)
        let n = gatherTargetRows(batch)
        compactGradient.resize([n, h])
        let sums = compactTargets.withUnsafeBufferPointer {
            generator.crossEntropy(
                compactOutput.data, targets: $0.baseAddress!, rows: n, smoothing: config.labelSmoothing,
                paddingIndex: SpecialToken.pad, gradientScale: T(1 / Double(tokens)), dInput: compactGradient.data)
        }
        gradientsFinal?(GradientStage.generator)
        dOutput.resize([steps, b, h])
        dOutput.zero()
        for (j, r) in targetRows.enumerated() { T.copy(compactGradient.data + j * h, dOutput.data + r * h, h) }
        outputDropout.backward(dOutput.data, into: dOutput.data, count: steps * b * h)
        backward(steps: steps)
        return sums
    }

    /// Back-propagates from `dOutput` (the gradient of h̃) through decoder, bridge and encoder.
    private func backward(steps: Int) {
        let b = batchSize, h = config.hiddenSize, e = config.embeddingSize, s = sourceSteps
        let layers = decoderLayers, top = layers.count - 1
        dFeed.resize([b, h])
        dFeed.zero()
        dStep.resize([b, h])
        dLower.resize([b, h])
        dTargetEmbedded.resize([steps, b, e])
        for layer in layers { layer.beginBackward() }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            var dh: UnsafePointer<T> = UnsafePointer(dOutput.slice(t))
            if config.inputFeeding {
                T.add(dOutput.slice(t), dFeed.data, dStep.data, b * h)
                dh = UnsafePointer(dStep.data)
            }
            var dy = UnsafePointer(attention.stepBackward(t, dOutput: dh))
            for l in stride(from: top, through: 0, by: -1) {
                layers[l].stepBackward(t, dOutput: dy)
                guard l > 0 else { break }
                let dx = layers[l].inputGradient.slice(t)
                if decoderDropoutActive {
                    T.mul(dx, decoderMasks[l].slice(t), dLower.data, b * h)
                    dy = UnsafePointer(dLower.data)
                } else {
                    dy = UnsafePointer(dx)
                }
            }
            let dx0 = layers[0].inputGradient.slice(t), dEmb = dTargetEmbedded.slice(t)
            if config.inputFeeding {
                copyRows(dx0, e + h, dEmb, e, rows: b, cols: e)
                copyRows(dx0 + e, e + h, dFeed.data, h, rows: b, cols: h)
            } else {
                T.copy(dx0, dEmb, b * e)
            }
        }
        for layer in layers { layer.finishBackward() }
        let dMemory = attention.finishBackward()
        gradientsFinal?(GradientStage.decoder)
        // The target embedding's gradient is complete once the decoder's loop is: taken now
        // (its own parameter, unaffected by what follows), it is final long before the end.
        targetDropout.backward(dTargetEmbedded.data, into: dTargetEmbedded.data, count: steps * b * e)
        targetInputIds.withUnsafeBufferPointer {
            targetEmbedding.backward($0.baseAddress!, count: steps * b, dOutput: dTargetEmbedded.data)
        }
        gradientsFinal?(GradientStage.targetEmbedding)
        let dFinal = bridge.backward(
            dH0: layers.map(\.initialHGradient),
            dC0: config.cell.hasCellState ? layers.map { $0.initialCGradient! } : nil)
        gradientsFinal?(GradientStage.bridge)
        let finished = gradientsFinal
        encoder.backward(
            dOutput: dMemory, dFinalH: dFinal?.h, dFinalC: dFinal?.c,
            layerFinished: finished.map { report in { report(GradientStage.encoderLayer($0, of: self.config.encoderLayers)) } })
        dSourceEmbedded.resize([s, b, e])
        sourceDropout.backward(encoder.inputGradient.data, into: dSourceEmbedded.data, count: s * b * e)
        sourceIds.withUnsafeBufferPointer {
            sourceEmbedding.backward($0.baseAddress!, count: s * b, dOutput: dSourceEmbedded.data)
        }
        gradientsFinal?(GradientStage.sourceEmbedding(encoderLayers: config.encoderLayers))
        gradientsFinal?(GradientStage.rest(encoderLayers: config.encoderLayers))
    }
}
