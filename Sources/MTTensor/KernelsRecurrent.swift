// Generic bodies of the recurrent-cell requirements of `Real` (see Real.swift): the
// fused pointwise part of one LSTM or GRU step over a batch, forward and backward.
// The matrix products around them are GEMMs in the layers.

extension Real {
    @inlinable public static func lstmForward(
        gates: UnsafeMutablePointer<Self>, cPrev: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, tanhC: UnsafeMutablePointer<Self>, h: UnsafeMutablePointer<Self>,
        y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let gi = gates + r * 4 * n, gf = gi + n, gg = gf + n, go = gg + n
            let cp = cPrev + r * n, hp = hPrev + r * n
            let cr = c + r * n, tr = tanhC + r * n, hr = h + r * n, yr = y + r * ldy
            guard step < Int(lengths[r]) else {
                copy(cp, cr, n)
                copy(hp, hr, n)
                fill(yr, 0, n)
                continue
            }
            // Short passes with one output each: loops over several written pointers were
            // left scalar by the vectoriser (too many alias checks), at 3x the cost.
            sigmoid(gi, gi, 2 * n)
            tanh(gg, gg, n)
            sigmoid(go, go, n)
            for j in 0..<n { cr[j] = gf[j] * cp[j] + gi[j] * gg[j] }
            tanh(cr, tr, n)
            mul(go, tr, hr, n)
            copy(hr, yr, n)
        }
    }

    @inlinable public static func lstmBackward(
        gates: UnsafePointer<Self>, tanhC: UnsafePointer<Self>, cPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int,
        dh: UnsafeMutablePointer<Self>, dc: UnsafeMutablePointer<Self>, dGates: UnsafeMutablePointer<Self>,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let dgi = dGates + r * 4 * n
            guard step < Int(lengths[r]) else {
                fill(dgi, 0, 4 * n)
                continue
            }
            let dgf = dgi + n, dgg = dgf + n, dgo = dgg + n
            let gi = gates + r * 4 * n, gf = gi + n, gg = gf + n, go = gg + n
            let tr = tanhC + r * n, cp = cPrev + r * n
            let dhr = dh + r * n, dcr = dc + r * n
            if let dy {
                let dyr = dy + r * ldy
                for j in 0..<n { dhr[j] += dyr[j] }
            }
            // One output per loop, as in lstmForward.
            for j in 0..<n { dgo[j] = dhr[j] * tr[j] * go[j] * (1 - go[j]) }
            for j in 0..<n { dcr[j] += dhr[j] * go[j] * (1 - tr[j] * tr[j]) }
            fill(dhr, 0, n)
            // dc now reaches c; it becomes the gradient of cPrev last.
            for j in 0..<n { dgi[j] = dcr[j] * gg[j] * gi[j] * (1 - gi[j]) }
            for j in 0..<n { dgf[j] = dcr[j] * cp[j] * gf[j] * (1 - gf[j]) }
            for j in 0..<n { dgg[j] = dcr[j] * gi[j] * (1 - gg[j] * gg[j]) }
            mul(dcr, gf, dcr, n)
        }
    }

    @inlinable public static func gruForward(
        gates: UnsafeMutablePointer<Self>, recurrent: UnsafePointer<Self>, hn: UnsafeMutablePointer<Self>,
        hPrev: UnsafePointer<Self>, h: UnsafeMutablePointer<Self>, y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let xr = gates + r * 3 * n, xz = xr + n, xn = xz + n
            let rr = recurrent + r * 3 * n, rn = rr + 2 * n
            let hp = hPrev + r * n, hr = h + r * n, hnr = hn + r * n, yr = y + r * ldy
            guard step < Int(lengths[r]) else {
                copy(hp, hr, n)
                fill(yr, 0, n)
                continue
            }
            // One output per loop, as in lstmForward; r and z are adjacent in both operands.
            add(xr, rr, xr, 2 * n)
            sigmoid(xr, xr, 2 * n)
            copy(rn, hnr, n)
            for j in 0..<n { xn[j] += xr[j] * hnr[j] }
            tanh(xn, xn, n)
            for j in 0..<n { hr[j] = xn[j] + xz[j] * (hp[j] - xn[j]) }
            copy(hr, yr, n)
        }
    }

    @inlinable public static func gruBackward(
        gates: UnsafePointer<Self>, hn: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int, dh: UnsafeMutablePointer<Self>,
        dGates: UnsafeMutablePointer<Self>, dRecurrent: UnsafeMutablePointer<Self>,
        rows: Int, hidden n: Int, lengths: UnsafePointer<Int32>, step: Int
    ) {
        for r in 0..<rows {
            let dxr = dGates + r * 3 * n, dxz = dxr + n, dxn = dxz + n
            let drr = dRecurrent + r * 3 * n, drn = drr + 2 * n
            guard step < Int(lengths[r]) else {
                fill(dxr, 0, 3 * n)
                fill(drr, 0, 3 * n)
                continue
            }
            let gr = gates + r * 3 * n, gz = gr + n, gn = gz + n
            let hnr = hn + r * n, hp = hPrev + r * n, dhr = dh + r * n
            if let dy {
                let dyr = dy + r * ldy
                for j in 0..<n { dhr[j] += dyr[j] }
            }
            // One output per loop, as in lstmForward.
            for j in 0..<n { dxn[j] = dhr[j] * (1 - gz[j]) * (1 - gn[j] * gn[j]) }
            for j in 0..<n { dxz[j] = dhr[j] * (hp[j] - gn[j]) * gz[j] * (1 - gz[j]) }
            mul(dhr, gz, dhr, n)
            for j in 0..<n { dxr[j] = dxn[j] * hnr[j] * gr[j] * (1 - gr[j]) }
            copy(dxr, drr, 2 * n)
            mul(dxn, gr, drn, n)
        }
    }
}
