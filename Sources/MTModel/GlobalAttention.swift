import MTTensor

/// Luong global attention over encoder states with padded source positions masked,
/// followed by the attentional output h̃ = tanh(W_c [c; h]) (Luong eq. 5, no bias).
///
/// The decoder runs one step at a time (input feeding), so the layer works per step:
/// `prepare` once per batch (batch-major copy of the memory, and the keys W_a s or
/// W_k s + b of every source position in one GEMM), then `step(t, h_t)` for each target
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
    /// Width of the key projection: H for general, A for mlp, Hs for dot.
    public let keySize: Int

    /// [H, Hs] (general).
    public let wA: Parameter<T>?
    /// [A, H] (mlp).
    public let wQ: Parameter<T>?
    /// [A, Hs] (mlp).
    public let wK: Parameter<T>?
    /// [A] (mlp), added to the keys.
    public let b: Parameter<T>?
    /// [A] (mlp).
    public let v: Parameter<T>?
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
    private let keys = Tensor<T>([0])               // [B, S, keySize] (general, mlp)
    // Cached per step (slot t).
    /// Attention weights [steps, B, S]; slot t is step t's softmax, 0 at padded positions.
    public let weights = Tensor<T>([0])
    /// Attentional outputs h̃ [steps, B, H]: steps in one buffer, ready for one generator GEMM.
    public let output = Tensor<T>([0])
    private let concat = Tensor<T>([0])             // [steps, B, Hs + H]: [c; h]
    private let queryProjection = Tensor<T>([0])    // [steps, B, A] (mlp)
    // Workspaces.
    private let hidden = Tensor<T>([0])             // [B, S, A] (mlp): tanh(keys + W_q h)
    private let scratchScores = Tensor<T>([0])      // [B, S]
    private let preActivation = Tensor<T>([0])      // [B, H]: W_c [c; h] before tanh
    private let dPre = Tensor<T>([0])               // [B, H]
    private let dContext = Tensor<T>([0])           // [B, Hs]
    private let dWeights = Tensor<T>([0])           // [B, S]
    private let dScores = Tensor<T>([0])            // [B, S]
    private let dQueryProjection = Tensor<T>([0])   // [B, A]
    /// Gradient of the query of the last `stepBackward`, [B, H].
    public let dQuery = Tensor<T>([0])
    private let dMemoryBatchMajor = Tensor<T>([0])  // [B, S, Hs]
    private let dKeys = Tensor<T>([0])              // [B, S, keySize]
    // Sized and zeroed at the first backward step, so decoding never pays for them.
    private var backwardBegun = false
    /// Gradient of the memory, [S, B, Hs], after `finishBackward`.
    public let dMemory = Tensor<T>([0])
    /// After `selectBatch`: the prepared sentence each row attends to (nil: row b is sentence b).
    private var rowEntries: [Int]?

    /// `attentionSize` is A for mlp (default H); ignored otherwise.
    public init(
        _ store: ParameterStore<T>, name: String = "decoder.attention", kind: AttentionScore,
        querySize: Int, memorySize: Int, attentionSize: Int? = nil,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        self.kind = kind
        self.querySize = querySize
        self.memorySize = memorySize
        var wA: Parameter<T>?, wQ: Parameter<T>?, wK: Parameter<T>?, b: Parameter<T>?, v: Parameter<T>?
        switch kind {
        case .dot:
            precondition(querySize == memorySize, "dot attention needs equal sizes, got \(querySize) and \(memorySize)")
            keySize = memorySize
        case .general:
            keySize = querySize
            wA = store.make("\(name).w_a", [querySize, memorySize], initializer, rng: rng)
        case .mlp:
            let a = attentionSize ?? querySize
            keySize = a
            wQ = store.make("\(name).w_q", [a, querySize], initializer, rng: rng)
            wK = store.make("\(name).w_k", [a, memorySize], initializer, rng: rng)
            b = store.make("\(name).b", [a], .zeros, rng: rng)
            v = store.make("\(name).v", [a], initializer, rng: rng)
        }
        (self.wA, self.wQ, self.wK, self.b, self.v) = (wA, wQ, wK, b, v)
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
        computeKeys()
        sizeStepWorkspaces()
    }

    private func beginBackward() {
        precondition(rowEntries == nil, "backward after selectBatch")
        let bsz = batchSize, s = sourceLength
        dMemoryBatchMajor.resize([bsz, s, memorySize])
        dMemoryBatchMajor.zero()
        if kind != .dot {
            dKeys.resize([bsz, s, keySize])
            dKeys.zero()
        }
        backwardBegun = true
    }

    private func computeKeys() {
        let rows = batchSize * sourceLength
        switch kind {
        case .dot:
            break
        case .general:
            keys.resize([batchSize, sourceLength, keySize])
            guard rows > 0 else { return }
            T.gemm(
                transA: false, transB: true, m: rows, n: keySize, k: memorySize,
                alpha: 1, a: memoryBatchMajor.data, lda: memorySize, b: wA!.value.data, ldb: memorySize,
                beta: 0, c: keys.data, ldc: keySize)
        case .mlp:
            keys.resize([batchSize, sourceLength, keySize])
            guard rows > 0 else { return }
            T.gemm(
                transA: false, transB: true, m: rows, n: keySize, k: memorySize,
                alpha: 1, a: memoryBatchMajor.data, lda: memorySize, b: wK!.value.data, ldb: memorySize,
                beta: 0, c: keys.data, ldc: keySize)
            T.addRowVector(b!.value.data, keys.data, rows: rows, cols: keySize)
        }
    }

    private func sizeStepWorkspaces() {
        let bsz = batchSize, s = sourceLength, h = querySize, hs = memorySize
        weights.resize([steps, bsz, s])
        output.resize([steps, bsz, h])
        concat.resize([steps, bsz, hs + h])
        scratchScores.resize([bsz, s])
        preActivation.resize([bsz, h])
        dPre.resize([bsz, h])
        dContext.resize([bsz, hs])
        dWeights.resize([bsz, s])
        dScores.resize([bsz, s])
        dQuery.resize([bsz, h])
        if kind == .mlp {
            queryProjection.resize([steps, bsz, keySize])
            hidden.resize([bsz, s, keySize])
            dQueryProjection.resize([bsz, keySize])
        }
    }

    /// Keys [B, S, keySize]: the memory itself for dot.
    private var keyRows: UnsafeMutablePointer<T> { kind == .dot ? memoryBatchMajor.data : keys.data }

    /// The prepared sentence whose memory row r attends to.
    private func entry(_ r: Int) -> Int { rowEntries?[r] ?? r }

    /// Scores of step t into `scores` [B, S] (entries past a sentence's length are left
    /// to the masked softmax), row by row against each row's own sentence.
    private func computeScores(_ t: Int, into scores: UnsafeMutablePointer<T>) {
        let s = sourceLength, ld = memorySize + querySize
        let cat = concat.slice(t)
        for r in 0..<batchSize {
            let keysOfRow = keyRows + entry(r) * s * keySize
            switch kind {
            case .dot, .general:
                // Per-sentence products are too small for BLAS: call overhead would dominate.
                T.batchedRowDots(
                    cat + r * ld + memorySize, ldx: ld, keysOfRow, scores + r * s,
                    lengths: lengthBuffer + r, batch: 1, length: s, n: keySize)
            case .mlp:
                T.attentionMLPScores(
                    keys: keysOfRow, query: queryProjection.slice(t) + r * keySize, v: v!.value.data,
                    hidden: hidden.data + r * s * keySize, scores: scores + r * s,
                    batch: 1, length: s, dim: keySize)
            }
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
        if kind == .mlp {
            T.gemm(
                transA: false, transB: true, m: bsz, n: keySize, k: h,
                alpha: 1, a: query, lda: h, b: wQ!.value.data, ldb: h,
                beta: 0, c: queryProjection.slice(t), ldc: keySize)
        }
        computeScores(t, into: a)
        T.softmaxRows(a, rows: bsz, cols: s, valid: lengthBuffer)
        // c_b = Σ_s a[b, s] memory[b, s, :], written into the first Hs columns of [c; h].
        for r in 0..<bsz {
            T.batchedWeightedSum(
                a + r * s, memoryBatchMajor.data + entry(r) * s * hs, cat + r * ld, ldo: ld,
                lengths: lengthBuffer + r, batch: 1, length: s, n: hs, accumulate: false)
        }
        T.gemm(
            transA: false, transB: true, m: bsz, n: h, k: ld,
            alpha: 1, a: cat, lda: ld, b: wC.value.data, ldb: ld,
            beta: 0, c: preActivation.data, ldc: h)
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
        T.gemm(
            transA: false, transB: false, m: bsz, n: hs, k: h,
            alpha: 1, a: dPre.data, lda: h, b: wC.value.data, ldb: ld,
            beta: 0, c: dc, ldc: hs)
        T.gemm(
            transA: false, transB: false, m: bsz, n: h, k: h,
            alpha: 1, a: dPre.data, lda: h, b: wC.value.data + hs, ldb: ld,
            beta: 0, c: dq, ldc: h)
        // Through the context: da[b, s] = dc_b · m[b, s]; dm[b, s] += a[b, s] dc_b.
        T.fill(dWeights.data, 0, bsz * s)
        T.batchedRowDots(dc, ldx: hs, mem, dWeights.data, lengths: lengthBuffer, batch: bsz, length: s, n: hs)
        T.batchedOuterAdd(a, dc, ldx: hs, dMem, lengths: lengthBuffer, batch: bsz, length: s, n: hs)
        // Padded positions have a = 0, so their score gradient is exactly 0.
        T.softmaxBackwardRows(a, dWeights.data, dScores.data, rows: bsz, cols: s)
        switch kind {
        case .dot, .general:
            let dK = kind == .dot ? dMem : dKeys.data
            T.batchedWeightedSum(
                dScores.data, keyRows, dq, ldo: h, lengths: lengthBuffer,
                batch: bsz, length: s, n: keySize, accumulate: true)
            T.batchedOuterAdd(
                dScores.data, cat + hs, ldx: ld, dK, lengths: lengthBuffer, batch: bsz, length: s, n: keySize)
        case .mlp:
            let aDim = keySize
            // Recompute tanh(keys + W_q h) rather than keep T copies of [B, S, A].
            computeScores(t, into: scratchScores.data)
            T.gemm(
                transA: false, transB: false, m: 1, n: aDim, k: bsz * s,
                alpha: 1, a: dScores.data, lda: bsz * s, b: hidden.data, ldb: aDim,
                beta: 1, c: v!.grad.data, ldc: aDim)
            dQueryProjection.zero()
            T.attentionMLPBackward(
                hidden: hidden.data, dScores: dScores.data, v: v!.value.data,
                dKeys: dKeys.data, dQuery: dQueryProjection.data, batch: bsz, length: s, dim: aDim)
            T.gemm(
                transA: true, transB: false, m: aDim, n: h, k: bsz,
                alpha: 1, a: dQueryProjection.data, lda: aDim, b: cat + hs, ldb: ld,
                beta: 1, c: wQ!.grad.data, ldc: h)
            T.gemm(
                transA: false, transB: false, m: bsz, n: h, k: aDim,
                alpha: 1, a: dQueryProjection.data, lda: aDim, b: wQ!.value.data, ldb: h,
                beta: 1, c: dq, ldc: h)
        }
        return dq
    }

    /// After the last `stepBackward`: the key projection's gradients, and dMemory [S, B, Hs]
    /// (zero at padded positions).
    @discardableResult
    public func finishBackward() -> Tensor<T> {
        if !backwardBegun { beginBackward() }
        backwardBegun = false
        let bsz = batchSize, s = sourceLength, hs = memorySize, rows = bsz * s
        let dMem = dMemoryBatchMajor.data
        if kind != .dot && rows > 0 {
            let w = kind == .general ? wA! : wK!
            T.gemm(
                transA: true, transB: false, m: keySize, n: hs, k: rows,
                alpha: 1, a: dKeys.data, lda: keySize, b: memoryBatchMajor.data, ldb: hs,
                beta: 1, c: w.grad.data, ldc: hs)
            T.gemm(
                transA: false, transB: false, m: rows, n: hs, k: keySize,
                alpha: 1, a: dKeys.data, lda: keySize, b: w.value.data, ldb: hs,
                beta: 1, c: dMem, ldc: hs)
            if kind == .mlp { T.sumRows(dKeys.data, b!.grad.data, rows: rows, cols: keySize) }
        }
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
