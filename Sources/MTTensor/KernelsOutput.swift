// Generic bodies of the attention and output requirements of `Real` (see KernelsElementwise.swift).
//
// Floating-point reductions are not reassociated by the compiler, so a plain `s += x[i]`
// loop runs one element per cycle chain. The helpers below keep eight independent
// partial results, which the compiler turns into vector registers.

extension Real {
    /// Σ x[i] in the scalar's own precision, with eight independent partial sums.
    @inlinable @inline(__always)
    static func unrolledSum(_ x: UnsafePointer<Self>, _ n: Int) -> Self {
        var a0: Self = 0, a1: Self = 0, a2: Self = 0, a3: Self = 0
        var a4: Self = 0, a5: Self = 0, a6: Self = 0, a7: Self = 0
        var i = 0
        while i + 8 <= n {
            a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3]
            a4 += x[i + 4]; a5 += x[i + 5]; a6 += x[i + 6]; a7 += x[i + 7]
            i += 8
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// max x[i] for n ≥ 1, with eight independent partial maxima.
    @inlinable @inline(__always)
    static func unrolledMax(_ x: UnsafePointer<Self>, _ n: Int) -> Self {
        var m = x[0]
        var i = 0
        if n >= 8 {
            var a0 = x[0], a1 = x[1], a2 = x[2], a3 = x[3]
            var a4 = x[4], a5 = x[5], a6 = x[6], a7 = x[7]
            i = 8
            while i + 8 <= n {
                a0 = Swift.max(a0, x[i]); a1 = Swift.max(a1, x[i + 1])
                a2 = Swift.max(a2, x[i + 2]); a3 = Swift.max(a3, x[i + 3])
                a4 = Swift.max(a4, x[i + 4]); a5 = Swift.max(a5, x[i + 5])
                a6 = Swift.max(a6, x[i + 6]); a7 = Swift.max(a7, x[i + 7])
                i += 8
            }
            m = Swift.max(Swift.max(Swift.max(a0, a1), Swift.max(a2, a3)), Swift.max(Swift.max(a4, a5), Swift.max(a6, a7)))
        }
        while i < n { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// Σ x[i]·y[i] in the scalar's own precision, with eight independent partial sums.
    @inlinable @inline(__always)
    static func unrolledDot(_ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ n: Int) -> Self {
        var a0: Self = 0, a1: Self = 0, a2: Self = 0, a3: Self = 0
        var a4: Self = 0, a5: Self = 0, a6: Self = 0, a7: Self = 0
        var i = 0
        while i + 8 <= n {
            a0 += x[i] * y[i]; a1 += x[i + 1] * y[i + 1]; a2 += x[i + 2] * y[i + 2]; a3 += x[i + 3] * y[i + 3]
            a4 += x[i + 4] * y[i + 4]; a5 += x[i + 5] * y[i + 5]; a6 += x[i + 6] * y[i + 6]; a7 += x[i + 7] * y[i + 7]
            i += 8
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    @inlinable public static func attentionMLPScores(
        keys: UnsafePointer<Self>, query: UnsafePointer<Self>, v: UnsafePointer<Self>,
        hidden: UnsafeMutablePointer<Self>, scores: UnsafeMutablePointer<Self>,
        batch: Int, length: Int, dim: Int
    ) {
        for b in 0..<batch {
            let q = query + b * dim
            for s in 0..<length {
                let row = b * length + s
                let k = keys + row * dim, h = hidden + row * dim
                for i in 0..<dim { h[i] = tanh(k[i] + q[i]) }
                scores[row] = unrolledDot(v, h, dim)
            }
        }
    }

    @inlinable public static func attentionMLPBackward(
        hidden: UnsafePointer<Self>, dScores: UnsafePointer<Self>, v: UnsafePointer<Self>,
        dKeys: UnsafeMutablePointer<Self>, dQuery: UnsafeMutablePointer<Self>,
        batch: Int, length: Int, dim: Int
    ) {
        for b in 0..<batch {
            let dq = dQuery + b * dim
            for s in 0..<length {
                let row = b * length + s
                let ds = dScores[row]
                // Masked positions have ds == 0 exactly: nothing to add.
                if ds == 0 { continue }
                let h = hidden + row * dim, dk = dKeys + row * dim
                for i in 0..<dim {
                    let g = ds * v[i] * (1 - h[i] * h[i])
                    dk[i] += g
                    dq[i] += g
                }
            }
        }
    }

    @inlinable public static func crossEntropyRows(
        _ logits: UnsafeMutablePointer<Self>, targets: UnsafePointer<Int32>, rows: Int, cols: Int,
        smoothing: Double, ignoreIndex: Int32, gradientScale: Self
    ) -> (loss: Double, nll: Double, count: Int) {
        let ignoreColumn = ignoreIndex >= 0 && Int(ignoreIndex) < cols ? Int(ignoreIndex) : -1
        let others = cols - (ignoreColumn >= 0 ? 2 : 1)
        precondition(smoothing == 0 || others > 0, "label smoothing needs a class besides target and padding")
        let off = smoothing > 0 ? smoothing / Double(others) : 0
        let scaledOff = gradientScale * Self(off)
        let scaledTarget = gradientScale * Self(1 - smoothing)
        var loss = 0.0, nll = 0.0, count = 0
        for r in 0..<rows {
            let row = logits + r * cols
            let target = targets[r]
            if target == ignoreIndex {
                fill(row, 0, cols)
                continue
            }
            let t = Int(target)
            precondition(t >= 0 && t < cols, "target \(t) outside the vocabulary of \(cols)")
            let m = unrolledMax(row, cols)
            let sumX = smoothing > 0 ? Double(unrolledSum(row, cols)) : 0
            let xt = row[t]
            let xIgnore = ignoreColumn >= 0 ? row[ignoreColumn] : 0
            for c in 0..<cols { row[c] = exp(row[c] - m) }
            let s = unrolledSum(row, cols)
            let logS = Double(log(s))
            let md = Double(m)
            let logpT = (Double(xt) - md) - logS
            nll -= logpT
            if smoothing > 0 {
                // Σ_c log p_c = Σ x − cols·(m + log s); remove the target and the padding class.
                var rest = (sumX - Double(cols) * md) - Double(cols) * logS - logpT
                if ignoreColumn >= 0 { rest -= (Double(xIgnore) - md) - logS }
                loss -= (1 - smoothing) * logpT + off * rest
            } else {
                loss -= logpT
            }
            count += 1
            // ∂/∂x_c = p_c − q_c, scaled: every class gets p·scale − off·scale, then
            // the target and the padding class are corrected.
            let pScale = gradientScale / s
            for c in 0..<cols { row[c] = row[c] * pScale - scaledOff }
            row[t] += scaledOff - scaledTarget
            if ignoreColumn >= 0 { row[ignoreColumn] += scaledOff }
        }
        return (loss, nll, count)
    }

    /// m = max x[i] and log Σ exp(x[i] − m) for n ≥ 1: the log-softmax of x is (x − m) − logSum.
    /// exp goes into `scratch` (n elements) before the sum, so that its loop vectorises at
    /// the CPU's full width, which a loop summing as it goes cannot (a float sum keeps its order).
    @inlinable @inline(__always)
    static func maxAndLogSumExp(
        _ x: UnsafePointer<Self>, _ n: Int, scratch: UnsafeMutablePointer<Self>
    ) -> (max: Self, logSum: Self) {
        let m = unrolledMax(x, n)
        for c in 0..<n { scratch[c] = exp(x[c] - m) }
        return (m, log(unrolledSum(scratch, n)))
    }
    @inlinable public static func batchedRowDots(
        _ x: UnsafePointer<Self>, ldx: Int, _ rows: UnsafePointer<Self>, _ scores: UnsafeMutablePointer<Self>,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int
    ) {
        for b in 0..<batch {
            let xb = x + b * ldx
            for s in 0..<Swift.min(Int(lengths[b]), length) {
                scores[b * length + s] = unrolledDot(xb, rows + (b * length + s) * n, n)
            }
        }
    }

    @inlinable public static func batchedWeightedSum(
        _ w: UnsafePointer<Self>, _ rows: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, ldo: Int,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int, accumulate: Bool
    ) {
        for b in 0..<batch {
            let o = out + b * ldo
            if !accumulate { for i in 0..<n { o[i] = 0 } }
            for s in 0..<Swift.min(Int(lengths[b]), length) {
                let ws = w[b * length + s]
                let r = rows + (b * length + s) * n
                for i in 0..<n { o[i] += ws * r[i] }
            }
        }
    }

    @inlinable public static func batchedOuterAdd(
        _ w: UnsafePointer<Self>, _ x: UnsafePointer<Self>, ldx: Int, _ rows: UnsafeMutablePointer<Self>,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int
    ) {
        for b in 0..<batch {
            let xb = x + b * ldx
            for s in 0..<Swift.min(Int(lengths[b]), length) {
                let ws = w[b * length + s]
                let r = rows + (b * length + s) * n
                for i in 0..<n { r[i] += ws * xb[i] }
            }
        }
    }
}
