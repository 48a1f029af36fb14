import ArgumentParser
import Foundation
import MTModel
import MTTensor

/// Forward + backward of a recurrent layer (or a stack) in Float, timed per iteration.
///
/// The sgemm share is measured by replay: after timing the layer, the benchmark times the
/// very same sequence of sgemm calls (same shapes, transposes, strides and sizes of
/// operands) on its own buffers, without the pointwise kernels and the bookkeeping around
/// them. The ratio of the two times is the share of the layer's time spent in sgemm.
struct LSTMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstm",
        abstract: "Time forward + backward of an LSTM (or GRU, RNN) layer or stack.")

    @Option(help: "Time steps T.") var steps = 20
    @Option(help: "Batch size B.") var batch = 64
    @Option(help: "Input size E.") var input = 256
    @Option(help: "Hidden size H (per direction).") var hidden = 512
    @Option(help: "Cell: lstm, gru or rnn.") var cell = "lstm"
    @Option(help: "Layers (a stack when > 1 or with --bidirectional).") var layers = 1
    @Flag(help: "Bidirectional layers.") var bidirectional = false
    @Option(help: "Dropout between stacked layers.") var dropout = 0.3
    @Option(help: "Timed iterations.") var iterations = 20
    @Option(help: "Untimed warm-up iterations.") var warmup = 3
    @Option(help: "OpenBLAS threads.") var threads = 2
    @Flag(help: "Skip the sgemm replay (for profiling the layer alone).") var noReplay = false
    @Flag(help: "Measure process CPU time instead of wall time (meaningful with --threads 1).")
    var cpuTime = false
    @Flag(help: "Also time each kind of sgemm call of the first layer.") var breakdown = false

    func validate() throws {
        guard RecurrentCellType(rawValue: cell) != nil else { throw ValidationError("unknown cell \(cell)") }
    }

    func run() {
        BLASThreads.set(threads)
        let cellType = RecurrentCellType(rawValue: cell)!
        let rng = SeededRandom(seed: 1)
        let store = ParameterStore<Float>()
        let x = Tensor<Float>([steps, batch, input])
        rng.fillUniform(x, -1, 1)
        let useStack = layers > 1 || bidirectional
        let stack = useStack
            ? RecurrentStack(store, cell: cellType, layers: layers, input: input, hidden: hidden,
                             bidirectional: bidirectional, dropout: dropout, rng: rng)
            : nil
        let layer = useStack
            ? nil
            : RecurrentLayer.make(cellType, store, name: "encoder.layers.0.forward", input: input,
                                  hidden: hidden, rng: rng)
        let outSize = stack?.outputSize ?? hidden
        let dOut = Tensor<Float>([steps, batch, outSize])
        rng.fillUniform(dOut, -1, 1)
        let lengths = [Int32](repeating: Int32(steps), count: batch)
        let dropRng = SeededRandom(seed: 2)

        func iteration() {
            if let stack {
                stack.forward(x, lengths: lengths, training: true, rng: dropRng)
                stack.backward(dOutput: dOut)
            } else if let layer {
                layer.forward(x, lengths: lengths)
                layer.backward(dOutput: dOut)
            }
        }

        // Each direction of each layer: (input size, hidden size).
        let gates = cellType.gatesPerUnit
        var directions: [(Int, Int)] = []
        var size = input
        for _ in 0..<layers {
            directions += Array(repeating: (size, hidden), count: bidirectional ? 2 : 1)
            size = bidirectional ? 2 * hidden : hidden
        }
        // Forward: input projection + recurrent products; backward: twice that (data and weights).
        let rows = Double(steps * batch)
        let flops = directions.reduce(0.0) { acc, d in
            acc + 6 * rows * Double(gates * d.1) * Double(d.0 + d.1)
        }

        let measured = time(iterations: iterations, warmup: warmup, iteration)
        print("""
            mt-bench lstm: cell \(cellType.rawValue), \(layers) layer(s)\(bidirectional ? " bidirectional" : ""), \
            T=\(steps) B=\(batch) E=\(input) H=\(hidden)\(bidirectional ? " per direction" : ""), \
            Float, \(BLASThreads.summary), \(cpuTime ? "process CPU time" : "wall time")
            GEMM work per iteration: \(fmt(flops / 1e9)) GFLOP
            forward+backward: \(fmt(measured.best)) ms/iteration best, \(fmt(measured.median)) median \
            of \(iterations) -> \(fmt(flops / measured.best / 1e6)) GFLOP/s (best)
            """)
        guard !noReplay else { return }
        let replay = GEMMReplay(steps: steps, batch: batch, gates: gates, directions: directions)
        let gemm = time(iterations: iterations, warmup: warmup) { replay.run() }
        print("""
            sgemm alone (replay of the same \(replay.callsPerIteration) calls per iteration): \
            \(fmt(gemm.best)) ms best, \(fmt(gemm.median)) median -> \(fmt(flops / gemm.best / 1e6)) GFLOP/s
            sgemm share of forward+backward time: \(fmt(100 * gemm.best / measured.best))% (best/best), \
            \(fmt(100 * gemm.median / measured.median))% (median/median)
            """)
        guard breakdown else { return }
        if cellType == .lstm { timeLSTMKernels() }
        for (label, gflop, body) in replay.kinds {
            let ms = time(iterations: iterations, warmup: warmup, body).best
            print("  \(label): \(fmt(ms)) ms best, \(fmt(gflop / ms * 1e3)) GFLOP/s")
        }
    }

    /// Milliseconds per call of `body`: the fastest run (the least disturbed on a shared
    /// machine) and the median.
    /// With --cpu-time, process CPU time instead of wall time: with one BLAS thread that is
    /// the work itself, unaffected by other processes taking the cores.
    func time(iterations: Int, warmup: Int, _ body: () -> Void) -> (best: Double, median: Double) {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        for _ in 0..<max(1, iterations) {
            let start = now()
            body()
            samples.append((now() - start) / 1e6)
        }
        samples.sort()
        return (samples[0], samples[samples.count / 2])
    }

    /// The fused LSTM pointwise kernels alone over T steps of [B, H], all rows active.
    func timeLSTMKernels() {
        let (b, h) = (batch, hidden)
        let rng = SeededRandom(seed: 4)
        func filled(_ shape: [Int]) -> Tensor<Float> {
            let t = Tensor<Float>(shape)
            rng.fillUniform(t, -2, 2)
            return t
        }
        let pre = filled([steps, b, 4 * h]), gates = Tensor<Float>([steps, b, 4 * h])
        let c = filled([steps + 1, b, h]), hs = filled([steps + 1, b, h]), tc = filled([steps, b, h])
        let y = filled([steps, b, h]), dh = filled([b, h]), dc = filled([b, h]), dg = filled([steps, b, 4 * h])
        let lengths = [Int32](repeating: Int32(steps), count: b)
        let elements = Double(steps * b * h)
        let fwd = time(iterations: iterations, warmup: warmup) {
            Float.copy(pre.data, gates.data, pre.count)
            for t in 0..<steps {
                Float.lstmForward(
                    gates: gates.slice(t), cPrev: c.slice(t), hPrev: hs.slice(t), c: c.slice(t + 1),
                    tanhC: tc.slice(t), h: hs.slice(t + 1), y: y.slice(t), ldy: h,
                    rows: b, hidden: h, lengths: lengths, step: t)
            }
        }.best
        let bwd = time(iterations: iterations, warmup: warmup) {
            for t in stride(from: steps - 1, through: 0, by: -1) {
                Float.lstmBackward(
                    gates: gates.slice(t), tanhC: tc.slice(t), cPrev: c.slice(t), dy: y.slice(t), ldy: h,
                    dh: dh.data, dc: dc.data, dGates: dg.slice(t),
                    rows: b, hidden: h, lengths: lengths, step: t)
            }
        }.best
        print("  lstmForward kernel (with a copy of the pre-activations): \(fmt(fwd)) ms, "
              + "\(fmt(fwd * 1e6 / elements)) ns/element; lstmBackward kernel: \(fmt(bwd)) ms, "
              + "\(fmt(bwd * 1e6 / elements)) ns/element")
    }

    /// Nanoseconds of wall or process CPU time.
    func now() -> Double {
        guard cpuTime else { return Double(DispatchTime.now().uptimeNanoseconds) }
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
    }

    func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}

/// The sgemm calls of the recurrent layers' forward and backward (RecurrentLayer.swift and
/// the cells, LSTMCell.swift ...) for full-length sequences, on buffers of the same sizes.
struct GEMMReplay {
    struct Direction {
        let input, hidden, gateSize: Int
        let x, wih, whh, dwih, dwhh, gates, dGates, states, dh, dx: Tensor<Float>
    }
    let steps, batch: Int
    let directions: [Direction]

    init(steps: Int, batch: Int, gates: Int, directions dims: [(Int, Int)]) {
        self.steps = steps
        self.batch = batch
        let rng = SeededRandom(seed: 3)
        func filled(_ shape: [Int]) -> Tensor<Float> {
            let t = Tensor<Float>(shape)
            rng.fillUniform(t, -0.1, 0.1)
            return t
        }
        directions = dims.map { i, h in
            let g = gates * h
            return Direction(
                input: i, hidden: h, gateSize: g,
                x: filled([steps, batch, i]), wih: filled([g, i]), whh: filled([g, h]),
                dwih: filled([g, i]), dwhh: filled([g, h]), gates: filled([steps, batch, g]),
                dGates: filled([steps, batch, g]), states: filled([steps + 1, batch, h]),
                dh: filled([batch, h]), dx: filled([steps, batch, i]))
        }
    }

    var callsPerIteration: Int { directions.count * (2 * steps + 4) }

    /// Each kind of call of the first direction alone: (label, GFLOP per iteration, body).
    var kinds: [(String, Double, () -> Void)] {
        let d = directions[0]
        let (rows, g, i, h) = (steps * batch, d.gateSize, d.input, d.hidden)
        let r = Double(rows), gf = Double(g)
        return [
            ("x·W_ihᵀ [\(rows)x\(i)]·[\(i)x\(g)]", 2 * r * gf * Double(i) / 1e9, {
                Float.gemm(transA: false, transB: true, m: rows, n: g, k: i, alpha: 1, a: d.x.data, lda: i,
                           b: d.wih.data, ldb: i, beta: 0, c: d.gates.data, ldc: g)
            }),
            ("h·W_hhᵀ per step, \(steps)x [\(batch)x\(h)]·[\(h)x\(g)]", 2 * r * gf * Double(h) / 1e9, {
                for t in 0..<steps {
                    Float.gemm(transA: false, transB: true, m: batch, n: g, k: h, alpha: 1,
                               a: d.states.slice(t), lda: h, b: d.whh.data, ldb: h,
                               beta: 1, c: d.gates.slice(t), ldc: g)
                }
            }),
            ("dG·W_hh per step, \(steps)x [\(batch)x\(g)]·[\(g)x\(h)]", 2 * r * gf * Double(h) / 1e9, {
                for t in 0..<steps {
                    Float.gemm(transA: false, transB: false, m: batch, n: h, k: g, alpha: 1,
                               a: d.dGates.slice(t), lda: g, b: d.whh.data, ldb: h,
                               beta: 1, c: d.dh.data, ldc: h)
                }
            }),
            ("dG·W_ih [\(rows)x\(g)]·[\(g)x\(i)]", 2 * r * gf * Double(i) / 1e9, {
                Float.gemm(transA: false, transB: false, m: rows, n: i, k: g, alpha: 1, a: d.dGates.data, lda: g,
                           b: d.wih.data, ldb: i, beta: 0, c: d.dx.data, ldc: i)
            }),
            ("dGᵀ·x [\(g)x\(rows)]·[\(rows)x\(i)]", 2 * r * gf * Double(i) / 1e9, {
                Float.gemm(transA: true, transB: false, m: g, n: i, k: rows, alpha: 1, a: d.dGates.data, lda: g,
                           b: d.x.data, ldb: i, beta: 1, c: d.dwih.data, ldc: i)
            }),
            ("dGᵀ·h [\(g)x\(rows)]·[\(rows)x\(h)]", 2 * r * gf * Double(h) / 1e9, {
                Float.gemm(transA: true, transB: false, m: g, n: h, k: rows, alpha: 1, a: d.dGates.data, lda: g,
                           b: d.states.data, ldb: h, beta: 1, c: d.dwhh.data, ldc: h)
            }),
        ]
    }

    func run() {
        for d in directions {
            let (rows, g, i, h) = (steps * batch, d.gateSize, d.input, d.hidden)
            Float.gemm(transA: false, transB: true, m: rows, n: g, k: i, alpha: 1, a: d.x.data, lda: i,
                       b: d.wih.data, ldb: i, beta: 0, c: d.gates.data, ldc: g)
            for t in 0..<steps {
                Float.gemm(transA: false, transB: true, m: batch, n: g, k: h, alpha: 1,
                           a: d.states.slice(t), lda: h, b: d.whh.data, ldb: h,
                           beta: 1, c: d.gates.slice(t), ldc: g)
            }
        }
        for d in directions.reversed() {
            let (rows, g, i, h) = (steps * batch, d.gateSize, d.input, d.hidden)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                Float.gemm(transA: false, transB: false, m: batch, n: h, k: g, alpha: 1,
                           a: d.dGates.slice(t), lda: g, b: d.whh.data, ldb: h,
                           beta: 1, c: d.dh.data, ldc: h)
            }
            Float.gemm(transA: false, transB: false, m: rows, n: i, k: g, alpha: 1, a: d.dGates.data, lda: g,
                       b: d.wih.data, ldb: i, beta: 0, c: d.dx.data, ldc: i)
            Float.gemm(transA: true, transB: false, m: g, n: i, k: rows, alpha: 1, a: d.dGates.data, lda: g,
                       b: d.x.data, ldb: i, beta: 1, c: d.dwih.data, ldc: i)
            Float.gemm(transA: true, transB: false, m: g, n: h, k: rows, alpha: 1, a: d.dGates.data, lda: g,
                       b: d.states.data, ldb: h, beta: 1, c: d.dwhh.data, ldc: h)
        }
    }
}
