import MTTensor

/// One recurrent layer over a time-major padded batch [T, B, I] with per-sequence lengths,
/// and the same layer driven one step at a time (the decoder, whose input feeding rules
/// out batching the input projection).
///
/// The cell (`RecurrentCell`: LSTM, GRU, RNN) supplies the parameters and the per-step
/// recurrent product and fused pointwise kernels; this class holds what all cells share:
/// lengths, the state slots, where outputs go, the order of steps, and the GEMMs that
/// batch over all steps (input projection, input gradient, weight gradients). Both APIs
/// run the same per-step cell code.
///
/// Masking: step t of sequence b is padding when t >= lengths[b]. There the state is
/// carried unchanged, the output row is 0, and no gradient enters or leaves. With
/// `reverse`, steps run from T-1 down to 0, so each sequence is read backwards from its
/// own last valid step, starting from the initial state.
///
/// State slots: `hStates`/`cStates` hold T+1 states [B, H]. Forward, step t reads slot t
/// and writes t+1; reverse, it reads t+1 and writes t. Either way the states that steps
/// 0..<T read are one contiguous block, so the recurrent weight gradient is one GEMM.
public final class RecurrentLayer<T: Real>: RecurrentSequenceLayer {
    public typealias Scalar = T

    public let cell: any RecurrentCell<T>
    public let inputSize: Int
    public let hiddenSize: Int
    public let reverse: Bool
    public let hasCellState: Bool
    public var outputSize: Int { hiddenSize }
    /// Input-to-hidden weights [G, I] and hidden-to-hidden weights [G, H], the cell's.
    public let weightIH: Parameter<T>
    public let weightHH: Parameter<T>
    /// Width G of the gate pre-activations: 4H (LSTM), 3H (GRU), H (RNN).
    let gateSize: Int

    /// [T, B, H]: outputs, 0 at padded steps (unless forward was given another destination).
    public let output = Tensor<T>([0])
    /// [B, H]: each sequence's state after its own last valid step.
    public let finalH = Tensor<T>([0])
    let finalCStorage = Tensor<T>([0])
    public var finalC: Tensor<T>? { hasCellState ? finalCStorage : nil }
    /// [T, B, I]: gradient of the input (unless backward was given another destination).
    public let inputGradient = Tensor<T>([0])
    /// [B, H]: gradients of h0 and c0 after backward.
    public let initialHGradient = Tensor<T>([0])
    let initialCGradientStorage = Tensor<T>([0])
    public var initialCGradient: Tensor<T>? { hasCellState ? initialCGradientStorage : nil }

    /// [T, B, G·H]: the input projection, completed to the gate pre-activations and
    /// activated in place by the cell.
    let gates = Tensor<T>([0])
    /// [T, B, G·H]: gradients of the gate pre-activations.
    let dGates = Tensor<T>([0])
    let hStates = Tensor<T>([0])
    let cStates = Tensor<T>([0])
    /// [B, H]: gradients of the state after the step being back-propagated.
    let dh = Tensor<T>([0])
    let dc = Tensor<T>([0])
    /// [T, B, I]: the step API's inputs, kept for the batched weight gradient.
    let stepInputs = Tensor<T>([0])
    /// Whether forward keeps what backward needs: every step's states, cell caches and (step
    /// API) inputs. Without (a search) it keeps two state slots, used in turn, one step of
    /// caches and no inputs: a fraction of the memory, which would be touched once and wasted.
    public var keepsHistory = true
    /// The weights of the per-step products, packed at the start of each pass (the weights
    /// change between passes): W_hh for the recurrent term forward and backward; the step
    /// API's W_ih, forward over the columns multiplied (`stepInputColumns` onwards; -1 until
    /// the first step packs it) and backward.
    let recurrentForward = PackedWeight<T>()
    let recurrentBackward = PackedWeight<T>()
    let stepInputForward = PackedWeight<T>()
    let stepInputBackward = PackedWeight<T>()
    /// The sequence API's W_ih, for the whole batch's x·W_ihᵀ in one product: packed like the
    /// others, since a search's small batches (a few hundred rows) made OpenBLAS pack the
    /// weight on every call; its int8 form in translation with int8.
    let sequenceInputForward = PackedWeight<T>()
    public var packedWeights: [PackedWeight<T>] {
        [recurrentForward, recurrentBackward, stepInputForward, stepInputBackward, sequenceInputForward]
    }
    public var directions: [RecurrentLayer<T>] { [self] }
    var stepInputColumns = -1
    /// [B, H]: the gathered state while `selectBatch` re-lays out the workspaces.
    let selectedH = Tensor<T>([0])
    let selectedC = Tensor<T>([0])

    var lengths: [Int32] = []
    var steps = 0
    var batch = 0
    /// Steps run by the step API so far.
    var stepsRun = 0
    /// The inputs of the current forward pass [T, B, I] (the caller's for the sequence API).
    var input: UnsafePointer<T>?
    var inputTensor: Tensor<T>?
    var outputBase: UnsafeMutablePointer<T>
    var outputStride = 0

    /// A layer around `cell`, which has created its parameters.
    public init(cell: any RecurrentCell<T>, reverse: Bool = false) {
        let wih = cell.weightIH, whh = cell.weightHH
        let gates = type(of: cell).gatesPerUnit * whh.shape[1]
        precondition(whh.shape.count == 2 && wih.shape[0] == gates && whh.shape[0] == gates)
        self.cell = cell
        weightIH = wih
        weightHH = whh
        inputSize = wih.shape[1]
        hiddenSize = whh.shape[1]
        gateSize = gates
        hasCellState = type(of: cell).hasCellState
        self.reverse = reverse
        outputBase = output.data
    }

    // MARK: sequence API

    public func forward(_ x: Tensor<T>, lengths: [Int32]?, h0: Tensor<T>?, c0: Tensor<T>?) {
        precondition(x.shape.count == 3 && x.shape[2] == inputSize, "input shape \(x.shape)")
        forward(
            x.data, steps: x.shape[0], batch: x.shape[1], lengths: lengths,
            h0: h0?.data, c0: c0?.data, output: nil, outputStride: 0)
        inputTensor = x
    }

    /// The sequence forward on raw storage: x [T, B, I]; h0, c0 [B, H] (zeros when nil);
    /// outputs go to `output` rows of stride `outputStride` (own `output` when nil). x must
    /// stay unchanged until backward.
    public func forward(
        _ x: UnsafePointer<T>, steps: Int, batch: Int, lengths: [Int32]?,
        h0: UnsafePointer<T>?, c0: UnsafePointer<T>?,
        output destination: UnsafeMutablePointer<T>?, outputStride: Int
    ) {
        prepare(steps: steps, batch: batch, lengths: lengths, outputStride: outputStride,
                ownsOutput: destination == nil)
        if let destination { outputBase = destination }
        input = x
        inputTensor = nil
        packRecurrentForward()
        setInitialState(slot: stateSlot(reverse ? steps : 0), h0: h0, c0: c0)
        let rows = steps * batch
        if rows > 0 {
            sequenceInputForward.packTransposed(weightIH.value.data, outputs: gateSize, depth: inputSize, ld: inputSize)
            sequenceInputForward.multiply(x, lda: inputSize, rows: rows, into: gates.data, ldc: gateSize, accumulate: false)
            cell.addInputBias(gates.data, rows: rows)
        }
        for s in 0..<steps { runStep(reverse ? steps - 1 - s : s) }
        let last = stateSlot(reverse ? 0 : steps)
        T.copy(hStates.slice(last), finalH.data, batch * hiddenSize)
        if hasCellState { T.copy(cStates.slice(last), finalCStorage.data, batch * hiddenSize) }
    }

    public func backward(dOutput: Tensor<T>?, dFinalH: Tensor<T>?, dFinalC: Tensor<T>?) {
        backward(
            dOutput: dOutput?.data, dOutputStride: hiddenSize, dFinalH: dFinalH?.data,
            dFinalC: dFinalC?.data, inputGradient: nil, accumulateInputGradient: false)
    }

    /// The sequence backward on raw storage: dOutput rows of stride `dOutputStride`;
    /// the input gradient goes to (or with `accumulateInputGradient` is added to)
    /// `inputGradient` [T, B, I], own `inputGradient` when nil.
    public func backward(
        dOutput: UnsafePointer<T>?, dOutputStride: Int,
        dFinalH: UnsafePointer<T>?, dFinalC: UnsafePointer<T>?,
        inputGradient destination: UnsafeMutablePointer<T>?, accumulateInputGradient: Bool
    ) {
        precondition(keepsHistory, "backward of a forward pass that kept no history")
        seedBackward(dFinalH, dFinalC)
        for s in 0..<steps {
            let t = reverse ? s : steps - 1 - s
            backStep(t, dy: dOutput.map { $0 + t * batch * dOutputStride }, ldy: dOutputStride)
        }
        let rows = steps * batch
        let dx = destination ?? inputGradient.data
        if rows > 0 {
            T.gemm(
                transA: false, transB: false, m: rows, n: inputSize, k: gateSize,
                alpha: 1, a: dGates.data, lda: gateSize, b: weightIH.value.data, ldb: inputSize,
                beta: accumulateInputGradient ? 1 : 0, c: dx, ldc: inputSize)
        } else if !accumulateInputGradient {
            T.fill(dx, 0, rows * inputSize)
        }
        finishWeights(steps: steps)
    }

    // MARK: step API (forward direction only)

    /// Starts a stepwise pass of up to `steps` steps over `batch` sequences. `backward: false`
    /// promises that no backward pass follows (decoding): the pass keeps no history.
    public func begin(
        batch: Int, steps: Int, lengths: [Int32]?, h0: Tensor<T>?, c0: Tensor<T>?, backward: Bool = true
    ) {
        precondition(!reverse, "the step API runs forward in time")
        keepsHistory = backward
        prepare(steps: steps, batch: batch, lengths: lengths, outputStride: hiddenSize)
        sizeStepInputs()
        inputTensor = nil
        stepsRun = 0
        packRecurrentForward()
        stepInputColumns = -1
        setInitialState(slot: 0, h0: h0?.data, c0: c0?.data)
    }

    private func sizeStepInputs() {
        if keepsHistory {
            stepInputs.resize([steps, batch, inputSize])
            input = UnsafePointer(stepInputs.data)
        } else {
            input = nil
        }
    }

    /// Runs step t (t = 0, 1, ... in order) on x_t [B, I]: h_t goes to `output.slice(t)`
    /// and `finalH` holds the state after the step.
    public func step(_ t: Int, input x: UnsafePointer<T>) {
        step(t, input: x, projectedColumns: 0, table: nil, ids: nil)
    }

    /// `step` with the input projection of x's first `columns` columns looked up instead of
    /// multiplied: row r's is row ids[r] of `table` [*, G], which holds
    /// x[:, ..<columns] · W_ih[:, ..<columns]ᵀ for every possible x (a decoder's embedding
    /// share per token), so the GEMM covers only the other columns.
    public func step(
        _ t: Int, input x: UnsafePointer<T>, projectedColumns columns: Int,
        table: UnsafePointer<T>?, ids: UnsafePointer<Int32>?
    ) {
        precondition(t == stepsRun && t < steps, "steps run in order within the capacity")
        precondition(columns >= 0 && columns <= inputSize && (columns == 0 || (table != nil && ids != nil)))
        var xt = x
        if keepsHistory {
            T.copy(x, stepInputs.slice(t), batch * inputSize)
            xt = UnsafePointer(stepInputs.slice(t))
        }
        let g = gates.slice(t)
        if let table, let ids, columns > 0 {
            for r in 0..<batch { T.copy(table + Int(ids[r]) * gateSize, g + r * gateSize, gateSize) }
        }
        if columns < inputSize {
            if stepInputColumns != columns {
                stepInputForward.packTransposed(
                    weightIH.value.data + columns, outputs: gateSize, depth: inputSize - columns, ld: inputSize)
                stepInputColumns = columns
            }
            stepInputForward.multiply(
                xt + columns, lda: inputSize, rows: batch, into: g, ldc: gateSize, accumulate: columns > 0)
        }
        cell.addInputBias(g, rows: batch)
        runStep(t)
        stepsRun = t + 1
        let slot = stateSlot(t + 1)
        T.copy(hStates.slice(slot), finalH.data, batch * hiddenSize)
        if hasCellState { T.copy(cStates.slice(slot), finalCStorage.data, batch * hiddenSize) }
    }

    /// Decoding (beam search): continues the stepwise pass from the state after the last
    /// step run, with new row i taking old row `rows[i]`'s state (rows may repeat, be left
    /// out or change order). The step count restarts at 0 with the same capacity, so a
    /// decoder that reorders after every step can run with a capacity of one step and keep
    /// no per-step caches; earlier steps' outputs and caches are gone (no backward).
    public func selectBatch(_ rows: [Int]) {
        precondition(!reverse, "the step API runs forward in time")
        let h = hiddenSize, slot = stateSlot(stepsRun)
        selectedH.resize([rows.count, h])
        if hasCellState { selectedC.resize([rows.count, h]) }
        let hSource = hStates.slice(slot), cSource = hasCellState ? cStates.slice(slot) : hSource
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < batch, "batch row \(r) outside 0..<\(batch)")
            T.copy(hSource + r * h, selectedH.data + i * h, h)
            if hasCellState { T.copy(cSource + r * h, selectedC.data + i * h, h) }
        }
        prepare(steps: steps, batch: rows.count, lengths: nil, outputStride: h)
        sizeStepInputs()
        inputTensor = nil
        stepsRun = 0
        setInitialState(slot: 0, h0: selectedH.data, c0: hasCellState ? selectedC.data : nil)
        T.copy(selectedH.data, finalH.data, rows.count * h)
        if hasCellState { T.copy(selectedC.data, finalCStorage.data, rows.count * h) }
    }

    /// Starts the stepwise backward with the gradients of the state after the last step
    /// run (zeros when nil).
    public func beginBackward(dFinalH: Tensor<T>? = nil, dFinalC: Tensor<T>? = nil) {
        precondition(keepsHistory, "backward of a pass begun with backward: false")
        seedBackward(dFinalH?.data, dFinalC?.data)
        stepInputBackward.pack(weightIH.value.data, depth: gateSize, outputs: inputSize, ld: inputSize)
    }

    /// Back-propagates step t (from the last step run down to 0) given the gradient of
    /// its output h_t [B, H]; writes dx_t to `inputGradient.slice(t)`.
    public func stepBackward(_ t: Int, dOutput: UnsafePointer<T>?) {
        precondition(t < stepsRun)
        backStep(t, dy: dOutput, ldy: hiddenSize)
        stepInputBackward.multiply(
            dGates.slice(t), lda: gateSize, rows: batch, into: inputGradient.slice(t), ldc: inputSize,
            accumulate: false)
    }

    /// Ends the stepwise backward: accumulates the weight gradients of all steps run and
    /// fills `initialHGradient`/`initialCGradient`.
    public func finishBackward() {
        finishWeights(steps: stepsRun)
    }

    // MARK: shared steps

    /// Sets dh/dc, the gradients of the state after the last step (zeros when nil).
    func seedBackward(_ dFinalH: UnsafePointer<T>?, _ dFinalC: UnsafePointer<T>?) {
        // Gradient buffers of the whole sequence are sized here, not by the forward pass,
        // so inference never allocates (or touches) them.
        dGates.resize([steps, batch, gateSize])
        inputGradient.resize([steps, batch, inputSize])
        cell.prepareGradients(steps: steps, batch: batch)
        recurrentBackward.pack(weightHH.value.data, depth: gateSize, outputs: hiddenSize, ld: hiddenSize)
        let n = batch * hiddenSize
        if let dFinalH { T.copy(dFinalH, dh.data, n) } else { dh.zero() }
        if hasCellState {
            if let dFinalC { T.copy(dFinalC, dc.data, n) } else { dc.zero() }
        }
    }

    func packRecurrentForward() {
        recurrentForward.packTransposed(weightHH.value.data, outputs: gateSize, depth: hiddenSize, ld: hiddenSize)
    }

    /// Slot of state i (after i steps; i = steps is the end) in hStates/cStates.
    @inline(__always) func stateSlot(_ i: Int) -> Int { keepsHistory ? i : i & 1 }
    /// Slot of step t's cell caches (LSTM tanh c, GRU h W_hnᵀ).
    @inline(__always) func cacheSlot(_ t: Int) -> Int { keepsHistory ? t : 0 }

    func prepare(steps: Int, batch: Int, lengths: [Int32]?, outputStride: Int, ownsOutput: Bool = true) {
        let h = hiddenSize
        self.steps = steps
        self.batch = batch
        if let lengths {
            precondition(lengths.count == batch, "\(lengths.count) lengths for batch \(batch)")
            self.lengths = lengths
        } else {
            self.lengths = [Int32](repeating: Int32(steps), count: batch)
        }
        gates.resize([steps, batch, gateSize])
        let slots = keepsHistory ? steps + 1 : 2
        hStates.resize([slots, batch, h])
        if hasCellState {
            cStates.resize([slots, batch, h])
            dc.resize([batch, h])
            finalCStorage.resize([batch, h])
            initialCGradientStorage.resize([batch, h])
        }
        dh.resize([batch, h])
        finalH.resize([batch, h])
        initialHGradient.resize([batch, h])
        if ownsOutput { output.resize([steps, batch, h]) }
        outputBase = output.data
        self.outputStride = outputStride > 0 ? outputStride : h
        cell.prepare(slots: keepsHistory ? steps : 1, batch: batch)
    }

    func setInitialState(slot: Int, h0: UnsafePointer<T>?, c0: UnsafePointer<T>?) {
        let n = batch * hiddenSize
        if let h0 { T.copy(h0, hStates.slice(slot), n) } else { T.fill(hStates.slice(slot), 0, n) }
        if hasCellState {
            if let c0 { T.copy(c0, cStates.slice(slot), n) } else { T.fill(cStates.slice(slot), 0, n) }
        }
    }

    /// Rows up to the last one still running at step t: the per-step GEMMs skip the rest
    /// (all of it when batches are sorted by length).
    func activeRows(at t: Int) -> Int {
        var last = 0
        lengths.withUnsafeBufferPointer { l in
            for r in 0..<batch where Int(l[r]) > t { last = r + 1 }
        }
        return last
    }

    func runStep(_ t: Int) {
        let prev = stateSlot(reverse ? t + 1 : t), next = stateSlot(reverse ? t : t + 1)
        let active = activeRows(at: t)
        lengths.withUnsafeBufferPointer { l in
            cell.forward(RecurrentCellForward(
                step: t, cacheSlot: cacheSlot(t), rows: batch, activeRows: active, lengths: l.baseAddress!,
                gates: gates.slice(t), hPrev: hStates.slice(prev), h: hStates.slice(next),
                cPrev: hasCellState ? cStates.slice(prev) : nil, c: hasCellState ? cStates.slice(next) : nil,
                y: outputBase + t * batch * outputStride, ldy: outputStride, recurrentWeight: recurrentForward))
        }
    }

    func backStep(_ t: Int, dy: UnsafePointer<T>?, ldy: Int) {
        let prev = reverse ? t + 1 : t
        let active = activeRows(at: t)
        lengths.withUnsafeBufferPointer { l in
            cell.backward(RecurrentCellBackward(
                step: t, cacheSlot: t, rows: batch, activeRows: active, lengths: l.baseAddress!,
                gates: gates.slice(t), dGates: dGates.slice(t),
                hPrev: hStates.slice(prev), cPrev: hasCellState ? cStates.slice(prev) : nil,
                dy: dy, ldy: ldy, dh: dh.data, dc: hasCellState ? dc.data : nil, recurrentWeight: recurrentBackward))
        }
    }

    /// Weight and bias gradients of the first `steps` steps in three GEMMs and a row sum;
    /// then the initial-state gradients.
    func finishWeights(steps n: Int) {
        let rows = n * batch
        if rows > 0 {
            let x = input!
            T.gemm(
                transA: true, transB: false, m: gateSize, n: inputSize, k: rows,
                alpha: 1, a: dGates.data, lda: gateSize, b: x, ldb: inputSize,
                beta: 1, c: weightIH.grad.data, ldc: inputSize)
            let hPrev = reverse ? hStates.slice(1) : hStates.data
            T.gemm(
                transA: true, transB: false, m: gateSize, n: hiddenSize, k: rows,
                alpha: 1, a: cell.recurrentGateGradients(dGates.data), lda: gateSize, b: hPrev, ldb: hiddenSize,
                beta: 1, c: weightHH.grad.data, ldc: hiddenSize)
            cell.accumulateBiasGradients(dGates.data, rows: rows)
        }
        let m = batch * hiddenSize
        T.copy(dh.data, initialHGradient.data, m)
        if hasCellState { T.copy(dc.data, initialCGradientStorage.data, m) }
    }
}

extension RecurrentLayer {
    /// A layer of the configured cell, its parameters named `<name>.w_ih`, `<name>.w_hh`, ...
    public static func make(
        _ cell: RecurrentCellType, _ store: ParameterStore<T>, name: String, input: Int, hidden: Int,
        reverse: Bool = false, initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) -> RecurrentLayer<T> {
        let cell = cell.implementation(T.self).init(
            store, name: name, input: input, hidden: hidden, initializer: initializer, rng: rng)
        return RecurrentLayer(cell: cell, reverse: reverse)
    }
}
