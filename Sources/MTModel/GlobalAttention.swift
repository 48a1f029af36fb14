import MTTensor

/// Luong global attention over encoder states with padded source positions masked,
/// followed by the attentional output h̃ = tanh(W_c [c; h]) (Luong eq. 5, no bias).
///
/// The score itself is the `scorer`'s, made by kind (`AttentionScore.scorerType`); this
/// class holds what all scores share: the batch-major memory, masking, the softmax, the
/// context, the output layer, and which sentence each row attends to.
///
/// The decoder runs one step at a time (input feeding), so the layer works per step:
/// `prepare` once per batch (batch-major copy of the memory, and the scorer's keys, e.g.
/// W_a s of every source position in one GEMM), then `step(t, h_t)` for each target
/// step, caching what backward needs in slot t, then `stepBackward` in reverse order
/// (accumulating the memory gradient) and `finishBackward` for the gradient of the memory,
/// which includes the path through the keys.
///
/// Padded source positions are zeroed in the batch-major copy and get weight exactly 0,
/// so their memory values influence nothing and they receive zero gradient.
///
/// Beam search: `selectBatch` re-indexes the prepared batch (e.g. repeat each sentence K
/// times) by recording which prepared sentence each row attends to: memory and keys stay
/// as prepared, computed and stored once per sentence, not once per hypothesis.
public final class GlobalAttention<T: Real> {
    public let kind: AttentionScore
    /// Decoder state size H (query and output).
    public let querySize: Int
    /// Encoder state size Hs.
    public let memorySize: Int
    /// Width of the keys: H for general, A for mlp, Hs for dot.
    public var keySize: Int { scorer.keySize }

    /// The score function of `kind`, with its parameters.
    public let scorer: any AttentionScorer<T>
    /// [H, Hs + H].
    public let wC: Parameter<T>

    public private(set) var batchSize = 0
    public private(set) var sourceLength = 0
    public private(set) var steps = 0
    /// Source lengths of the prepared batch.
    public private(set) var lengths: [Int32] = [] { didSet { syncLengthBuffer() } }
    // The same lengths behind a stable pointer, for the kernels.
    private var lengthBuffer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private var lengthCapacity = 1

    // Prepared per batch.
    private let memoryBatchMajor = Tensor<T>([0])   // [B, S, Hs], padded rows zero
    // Cached per step (slot t).
    /// Attention weights [steps, B, S]; slot t is step t's softmax, 0 at padded positions.
    public let weights = Tensor<T>([0])
    /// Attentional outputs h̃ [steps, B, H]: steps in one buffer, ready for one generator GEMM.
    public let output = Tensor<T>([0])
    private let concat = Tensor<T>([0])             // [steps, B, Hs + H]: [c; h]
    // Workspaces.
    private let preActivation = Tensor<T>([0])      // [B, H]: W_c [c; h] before tanh
    private let dPre = Tensor<T>([0])               // [B, H]
    private let dContext = Tensor<T>([0])           // [B, Hs]
    private let dWeights = Tensor<T>([0])           // [B, S]
    private let dScores = Tensor<T>([0])            // [B, S]
    /// Gradient of the query of the last `stepBackward`, [B, H].
    public let dQuery = Tensor<T>([0])
    private let dMemoryBatchMajor = Tensor<T>([0])  // [B, S, Hs]
    // Sized and zeroed at the first backward step, so decoding never pays for them.
    private var backwardBegun = false
    /// W_c packed for the per-step products, once per batch: [c; h]·W_cᵀ forward, and
    /// backward dPre times its context and query column blocks.
    let outputWeight = PackedWeight<T>()
    private let contextWeight = PackedWeight<T>()
    private let queryWeight = PackedWeight<T>()
    /// The packed forms of W_c (`Seq2Seq.fixWeights` marks them fixed).
    var packedWeights: [PackedWeight<T>] { [outputWeight, contextWeight, queryWeight] }
    /// Gradient of the memory, [S, B, Hs], after `finishBackward`.
    public let dMemory = Tensor<T>([0])
    /// After `selectBatch`: the prepared sentence each row attends to (nil: row b is sentence b).
    private var rowEntries: [Int]?

    /// `attentionSize` is A for mlp (default H); ignored otherwise. The scorer's parameters
    /// (`<name>.w_a`, or `.w_q`, `.w_k`, `.b`, `.v`) are made before `<name>.w_c`.
    public init(
        _ store: ParameterStore<T>, name: String = "decoder.attention", kind: AttentionScore,
        querySize: Int, memorySize: Int, attentionSize: Int? = nil,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        self.kind = kind
        self.querySize = querySize
        self.memorySize = memorySize
        scorer = kind.scorerType(T.self).init(
            store, name: name, querySize: querySize, memorySize: memorySize, attentionSize: attentionSize,
            initializer: initializer, rng: rng)
        wC = store.make("\(name).w_c", [querySize, memorySize + querySize], initializer, rng: rng)
    }

    deinit { lengthBuffer.deallocate() }

    private func syncLengthBuffer() {
        if lengths.count > lengthCapacity {
            lengthBuffer.deallocate()
            lengthCapacity = lengths.count
            lengthBuffer = .allocate(capacity: lengthCapacity)
        }
        for (i, l) in lengths.enumerated() { lengthBuffer[i] = l }
    }

    // MARK: forward

    /// Takes the encoder output memory [S, B, Hs] (time-major) and the source lengths
    /// (B values, each ≤ S), and sizes the step caches for `steps` decoder steps.
    public func prepare(memory: Tensor<T>, sourceLengths: [Int32], steps: Int) {
        precondition(memory.shape.count == 3 && memory.shape[2] == memorySize, "memory shape \(memory.shape)")
        let s = memory.shape[0], bsz = memory.shape[1], hs = memorySize
        precondition(sourceLengths.count == bsz, "\(sourceLengths.count) source lengths for batch \(bsz)")
        precondition(sourceLengths.allSatisfy { $0 >= 0 && Int($0) <= s }, "source length outside 0...\(s)")
        batchSize = bsz
        sourceLength = s
        self.steps = steps
        lengths = sourceLengths
        memoryBatchMajor.resize([bsz, s, hs])
        for bi in 0..<bsz {
            let len = Int(lengths[bi])
            for si in 0..<s {
                let dst = memoryBatchMajor.data + (bi * s + si) * hs
                if si < len {
                    T.copy(memory.data + (si * bsz + bi) * hs, dst, hs)
                } else {
                    T.fill(dst, 0, hs)
                }
            }
        }
        rowEntries = nil
        backwardBegun = false
        outputWeight.packTransposed(wC.value.data, outputs: querySize, depth: hs + querySize, ld: hs + querySize)
        scorer.prepare(batch)
        sizeStepWorkspaces()
    }

    private func beginBackward() {
        precondition(rowEntries == nil, "backward after selectBatch")
        let bsz = batchSize, s = sourceLength
        dMemoryBatchMajor.resize([bsz, s, memorySize])
        dMemoryBatchMajor.zero()
        scorer.beginBackward(batch)
        let h = querySize, hs = memorySize
        contextWeight.pack(wC.value.data, depth: h, outputs: hs, ld: hs + h)
        queryWeight.pack(wC.value.data + hs, depth: h, outputs: h, ld: hs + h)
        backwardBegun = true
    }

    private func sizeStepWorkspaces() {
        let bsz = batchSize, s = sourceLength, h = querySize, hs = memorySize
        weights.resize([steps, bsz, s])
        output.resize([steps, bsz, h])
        concat.resize([steps, bsz, hs + h])
        preActivation.resize([bsz, h])
        dPre.resize([bsz, h])
        dContext.resize([bsz, hs])
        dWeights.resize([bsz, s])
        dScores.resize([bsz, s])
        dQuery.resize([bsz, h])
        scorer.sizeSteps(steps, batch)
    }

    /// The current batch as the scorer sees it.
    private var batch: AttentionBatch<T> {
        AttentionBatch(
            memory: memoryBatchMajor.data, rows: batchSize, sourceLength: sourceLength, lengths: lengthBuffer)
    }

    /// The prepared sentence whose memory row r attends to.
    private func entry(_ r: Int) -> Int { rowEntries?[r] ?? r }

    /// Scores of step t into `scores` [B, S] (entries past a sentence's length are left
    /// to the masked softmax), row by row against each row's own sentence.
    private func computeScores(_ t: Int, into scores: UnsafeMutablePointer<T>) {
        let s = sourceLength, ld = memorySize + querySize
        let cat = concat.slice(t), batch = self.batch
        for r in 0..<batchSize {
            scorer.score(
                row: r, sentence: entry(r), step: t, query: cat + r * ld + memorySize, batch, into: scores + r * s)
        }
    }

    /// Attends with query h_t [B, H] and returns h̃_t [B, H] (slot t of `output`); the
    /// weights are in `attentionWeights(t)`. t < steps.
    @discardableResult
    public func step(_ t: Int, query: UnsafePointer<T>) -> UnsafeMutablePointer<T> {
        precondition(t >= 0 && t < steps, "step \(t) outside the \(steps) prepared")
        let bsz = batchSize, s = sourceLength, h = querySize, hs = memorySize, ld = hs + h
        let cat = concat.slice(t), a = weights.slice(t), out = output.slice(t)
        for bi in 0..<bsz { T.copy(query + bi * h, cat + bi * ld + hs, h) }
        scorer.beginStep(t, query: query, batch)
        computeScores(t, into: a)
        T.softmaxRows(a, rows: bsz, cols: s, valid: lengthBuffer)
        // c_b = Σ_s a[b, s] memory[b, s, :], written into the first Hs columns of [c; h].
        for r in 0..<bsz {
            T.batchedWeightedSum(
                a + r * s, memoryBatchMajor.data + entry(r) * s * hs, cat + r * ld, ldo: ld,
                lengths: lengthBuffer + r, batch: 1, length: s, n: hs, accumulate: false)
        }
        outputWeight.multiply(cat, lda: ld, rows: bsz, into: preActivation.data, ldc: h, accumulate: false)
        // Not in place: the activation kernels vectorise only when input and output differ.
        T.tanh(preActivation.data, out, bsz * h)
        return out
    }

    /// Attention weights [B, S] of slot t.
    public func attentionWeights(_ t: Int) -> UnsafeMutablePointer<T> { weights.slice(t) }

    // MARK: backward

    /// Takes dh̃_t [B, H] and returns dh_t [B, H] (the `dQuery` buffer, overwritten by the
    /// next call). Call for t = steps−1 down to 0, then `finishBackward`.
    @discardableResult
    public func stepBackward(_ t: Int, dOutput: UnsafePointer<T>) -> UnsafeMutablePointer<T> {
        if !backwardBegun { beginBackward() }
        let bsz = batchSize, s = sourceLength, h = querySize, hs = memorySize, ld = hs + h
        let cat = concat.slice(t), a = weights.slice(t), out = output.slice(t)
        let dq = dQuery.data, dc = dContext.data, mem = memoryBatchMajor.data, dMem = dMemoryBatchMajor.data
        T.tanhBackward(out, dOutput, dPre.data, bsz * h, accumulate: false)
        T.gemm(
            transA: true, transB: false, m: h, n: ld, k: bsz,
            alpha: 1, a: dPre.data, lda: h, b: cat, ldb: ld,
            beta: 1, c: wC.grad.data, ldc: ld)
        // d[c; h] = dPre W_c, split into its two column blocks.
        contextWeight.multiply(dPre.data, lda: h, rows: bsz, into: dc, ldc: hs, accumulate: false)
        queryWeight.multiply(dPre.data, lda: h, rows: bsz, into: dq, ldc: h, accumulate: false)
        // Through the context: da[b, s] = dc_b · m[b, s]; dm[b, s] += a[b, s] dc_b.
        T.fill(dWeights.data, 0, bsz * s)
        T.batchedRowDots(dc, ldx: hs, mem, dWeights.data, lengths: lengthBuffer, batch: bsz, length: s, n: hs)
        T.batchedOuterAdd(a, dc, ldx: hs, dMem, lengths: lengthBuffer, batch: bsz, length: s, n: hs)
        // Padded positions have a = 0, so their score gradient is exactly 0.
        T.softmaxBackwardRows(a, dWeights.data, dScores.data, rows: bsz, cols: s)
        scorer.stepBackward(
            t, dScores: dScores.data, queries: cat + hs, ldq: ld, batch, dQuery: dq, dMemory: dMem)
        return dq
    }

    /// After the last `stepBackward`: the key projection's gradients, and dMemory [S, B, Hs]
    /// (zero at padded positions).
    @discardableResult
    public func finishBackward() -> Tensor<T> {
        if !backwardBegun { beginBackward() }
        backwardBegun = false
        let bsz = batchSize, s = sourceLength, hs = memorySize
        let dMem = dMemoryBatchMajor.data
        scorer.finishBackward(batch, dMemory: dMem)
        dMemory.resize([s, bsz, hs])
        for si in 0..<s {
            for bi in 0..<bsz {
                let dst = dMemory.data + (si * bsz + bi) * hs
                if si < Int(lengths[bi]) {
                    T.copy(dMem + (bi * s + si) * hs, dst, hs)
                } else {
                    T.fill(dst, 0, hs)
                }
            }
        }
        return dMemory
    }

    // MARK: beam search

    /// Re-indexes the prepared batch for decoding: new row i is old row `rows[i]` (e.g.
    /// [0, 0, 0, 1, 1, 1] repeats two sentences for a beam of 3, or a subset drops finished
    /// sentences). Only the row-to-sentence map changes; memory and keys are not copied.
    /// Step caches are resized and backward is no longer possible for this batch.
    public func selectBatch(_ rows: [Int]) {
        let old = lengths
        rowEntries = rows.map { r in
            precondition(r >= 0 && r < batchSize, "batch row \(r) outside 0..<\(batchSize)")
            return rowEntries?[r] ?? r
        }
        lengths = rows.map { old[$0] }
        batchSize = rows.count
        sizeStepWorkspaces()
    }
}
